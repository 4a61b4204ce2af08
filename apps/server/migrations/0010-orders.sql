-- Orders and what they are made of. Every amount of money is an integer number of the currency's
-- minor unit (cents for USD) next to its ISO 4217 currency. Card numbers are never stored.

-- Stores and warehouses, in the order shipping draws stock from them (position).
create table locations (
  id text primary key,
  name text not null,
  address text not null,
  pickup boolean not null,
  position integer not null,
  updated_at timestamptz not null default now()
);

-- One row per email address; a later order updates the name, phone and loyalty id.
create table customers (
  id bigserial primary key,
  email text not null unique,
  name text,
  phone text,
  loyalty_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create sequence order_number start 1001;

-- An order is written `pending` before its payment is asked for, and settled by the checkout or
-- the order reconciler: `confirmed` (units sold, payment authorized then captured) or `cancelled`
-- (nothing sold, the payment voided). `hold_deadline_ms` is when its extended holds run out
-- (epoch ms, Redis clock): after it, the holds are either committed under the order id or can
-- never be. One idempotency key per scope (the shopper, or the merchant's cart) and event.
create table orders (
  id text primary key,
  number bigint not null unique default nextval('order_number'),
  event_id text not null references events (id),
  source text not null check (source in ('shop', 'external')),
  status text not null check (status in ('pending', 'confirmed', 'cancelled', 'refunded')),
  idempotency_scope text not null,
  idempotency_key text not null,
  request_hash text not null,
  shopper_id text,
  customer_id bigint references customers (id),
  order_ref text,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  total_cents bigint not null check (total_cents >= 0),
  refunded_cents bigint not null default 0 check (refunded_cents >= 0 and refunded_cents <= total_cents),
  fulfilment jsonb not null,
  hold_ids text[] not null,
  hold_deadline_ms bigint,
  cancel_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (event_id, idempotency_scope, idempotency_key)
);
create index orders_pending on orders (created_at) where status = 'pending';
create index orders_event_status on orders (event_id, status, created_at);

-- Lines by SKU, with the title and unit price captured when the order was taken.
create table order_lines (
  order_id text not null references orders (id) on delete cascade,
  sku text not null,
  title text not null,
  qty integer not null check (qty > 0),
  unit_price_cents bigint not null check (unit_price_cents >= 0),
  refunded_qty integer not null default 0 check (refunded_qty >= 0 and refunded_qty <= qty),
  -- Where the commit drew the units: [{locationId, qty}] ('' is the event's unlocated pool).
  draws jsonb not null default '[]',
  primary key (order_id, sku)
);

-- Every step of an order, in order (checked, extended, pending, authorized, committed, confirmed,
-- captured; declined, failed, voided, cancelled, refunded; reconciled_*).
create table order_steps (
  order_id text not null references orders (id) on delete cascade,
  seq bigserial,
  step text not null,
  detail text,
  at timestamptz not null default now(),
  primary key (order_id, seq)
);

-- A payment attempt of an order at a provider, named by our key. Never a card number: brand and
-- last four digits only.
create table payments (
  key text primary key,
  order_id text not null references orders (id) on delete cascade,
  provider text not null,
  reference text,
  state text not null check (state in ('pending', 'authorized', 'captured', 'refunded', 'voided', 'declined', 'failed')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_cents bigint not null check (amount_cents >= 0),
  captured_cents bigint not null default 0,
  refunded_cents bigint not null default 0,
  card_brand text,
  card_last4 text check (card_last4 ~ '^[0-9]{4}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payments_order on payments (order_id);

-- Refunds, one per distinct request of an order (request_hash: the same lines again is the same refund).
create table refunds (
  id text primary key,
  order_id text not null references orders (id) on delete cascade,
  request_hash text not null,
  amount_cents bigint not null check (amount_cents >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  lines jsonb not null,
  restock boolean not null,
  reference text,
  state text not null check (state in ('pending', 'succeeded')),
  created_at timestamptz not null default now(),
  unique (order_id, request_hash)
);
