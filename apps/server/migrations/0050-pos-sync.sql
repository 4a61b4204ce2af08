-- POS sync: how POS ids map to SKUs and locations, the last count each POS reported, the deliveries
-- already applied (dedupe), what moderators should see (bad signatures, failed syncs, clamps), and
-- the outbox of adjustments owed to the POS for live sales.

-- An event's inventory mode: {"mode":"manual"} (the admin sets stock), {"mode":"shared",
-- "safetyBuffer":n, "locations":[...]} or {"mode":"exclusive", "units":n | "percent":p, "locations":[...]}.
alter table events add column inventory text not null default '{"mode":"manual"}';

create table pos_item_mappings (
  provider text not null check (provider in ('shopify', 'square', 'generic')),
  pos_item_id text not null,
  sku text not null,
  updated_at timestamptz not null default now(),
  primary key (provider, pos_item_id)
);
create index pos_item_mappings_sku on pos_item_mappings (sku, provider);

create table pos_location_mappings (
  provider text not null check (provider in ('shopify', 'square', 'generic')),
  pos_location_id text not null,
  location_id text not null,
  updated_at timestamptz not null default now(),
  primary key (provider, pos_location_id)
);
create index pos_location_mappings_location on pos_location_mappings (location_id, provider);

-- The newest on-hand each POS reported per SKU and location (occurred_at: epoch ms from the signed
-- body); an older report never replaces a newer one.
create table pos_on_hand (
  sku text not null,
  location_id text not null,
  on_hand integer not null,
  occurred_at bigint not null,
  provider text not null,
  updated_at timestamptz not null default now(),
  primary key (sku, location_id)
);

-- Inventory deliveries applied, by (provider, delivery id): a redelivery is answered as a duplicate.
-- Rows older than a week are deleted by the outbox worker (providers retry for at most 72 hours).
create table pos_deliveries (
  provider text not null,
  delivery_id text not null,
  received_at timestamptz not null default now(),
  primary key (provider, delivery_id)
);
create index pos_deliveries_received on pos_deliveries (received_at);

-- What moderators are shown about POS sync, under the anomaly rule ids (webhook_bad_signature,
-- pos_sync_failed, allocation_clamped, pos_negative_on_hand).
create table pos_incidents (
  id bigserial primary key,
  rule text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  provider text,
  event_id text,
  sku text,
  message text not null,
  at timestamptz not null default now()
);
create index pos_incidents_at on pos_incidents (at);

-- Adjustments owed to a POS, one per live sale (a committed hold) and provider; the key is the
-- adjustment's idempotency key, derived from the sale, so capturing a sale twice adds nothing.
create table pos_outbox (
  key text primary key,
  provider text not null,
  event_id text not null,
  sku text not null,
  location_id text not null,
  kind text not null check (kind in ('sale', 'restock')),
  reference_id text not null,
  qty integer not null check (qty > 0),
  occurred_at bigint not null,
  lines text not null,
  status text not null default 'pending' check (status in ('pending', 'applied', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  applied_at timestamptz
);
create index pos_outbox_due on pos_outbox (next_attempt_at) where status = 'pending';
