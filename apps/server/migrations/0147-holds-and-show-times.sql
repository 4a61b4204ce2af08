-- What the analytics read besides the facts of 0140: holds placed per SKU (from the ledger) and
-- when each show went live and ended.

-- Holds placed per event and SKU: every successful reserve of the ledger counts one, with its
-- units. Written by the ledger's reader (the anomaly detector) before it acknowledges the entries;
-- ledger_marks keeps the newest entry counted per event (stream id as ms and sequence), so entries
-- read again after a crash are not counted twice.
create table hold_counts (
  event_id text not null,
  sku text not null,
  holds integer not null check (holds >= 0),
  units integer not null check (units >= 0),
  primary key (event_id, sku)
);

create table ledger_marks (
  event_id text primary key,
  last_ms bigint not null,
  last_seq bigint not null
);

-- Set by the first change of status to `live`, and by each change to `ended` (the influence window
-- runs from the end).
alter table events add column started_at timestamptz;
alter table events add column ended_at timestamptz;
update events set started_at = created_at where status <> 'scheduled';
update events set ended_at = updated_at where status = 'ended';
