-- The outbox's gauges and pos_sync_lag read the rows not yet applied, per event, after every
-- dispatch pass of every process: applied rows, nearly all of them, are left out of the index.

create index pos_outbox_unapplied on pos_outbox (event_id) where status <> 'applied';
