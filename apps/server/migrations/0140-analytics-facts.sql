-- Analytics facts: viewer sessions (visits), per-minute viewer and stock samples, product
-- impressions and clicks per session, pin history, and the link from a shopper id to a customer.
-- Rows are written in batches by the server's analytics recorder; every write is an upsert keyed
-- so that several processes (and a replayed batch) store each fact once.

-- One viewer's visit to an event. A join after 30 minutes away starts a new session; the tabs of
-- one shopper in the same visit share it. shopper_id is null when the viewer opted out.
-- ended_at is the last leave or disconnect, cleared while any connection of the visit is open.
create table viewer_sessions (
  id text primary key,
  event_id text not null,
  shopper_id text,
  device text not null check (device in ('phone', 'tablet', 'desktop', 'unknown')),
  started_at timestamptz not null,
  last_seen_at timestamptz not null,
  ended_at timestamptz
);
create index viewer_sessions_event on viewer_sessions (event_id, started_at);
create index viewer_sessions_shopper on viewer_sessions (shopper_id, started_at) where shopper_id is not null;

-- Viewers of an event per minute and server process (node_id): distinct sessions connected when
-- the minute's sample was taken, and the most connected at once during that minute. The peak of an
-- event is the largest per-minute sum of peak_viewers over its processes.
create table viewer_samples (
  event_id text not null,
  minute timestamptz not null,
  node_id text not null,
  viewers integer not null check (viewers >= 0),
  peak_viewers integer not null check (peak_viewers >= 0),
  primary key (event_id, minute, node_id)
);

-- A product card seen (at least half visible for a second) in a session: once per session and SKU.
create table product_impressions (
  session_id text not null,
  event_id text not null,
  sku text not null,
  first_seen_at timestamptz not null,
  primary key (session_id, sku)
);
create index product_impressions_event on product_impressions (event_id, sku);

-- Clicks on a product (Buy Now, opening the card) in a session, counted up to a cap per session
-- and SKU, so a replayed or forged beacon cannot inflate them without bound.
create table product_clicks (
  session_id text not null,
  event_id text not null,
  sku text not null,
  clicks integer not null check (clicks > 0),
  first_clicked_at timestamptz not null,
  last_clicked_at timestamptz not null,
  primary key (session_id, sku)
);
create index product_clicks_event on product_clicks (event_id, sku);

-- When each product was pinned and unpinned by the host; unpinned_at is null while it is pinned.
create table pin_history (
  id bigserial primary key,
  event_id text not null,
  sku text not null,
  pinned_at timestamptz not null,
  unpinned_at timestamptz
);
create unique index pin_history_open on pin_history (event_id, sku) where unpinned_at is null;
create index pin_history_event on pin_history (event_id, pinned_at);

-- Units available per SKU of an event, sampled once a minute from Redis (the ledger's counts).
create table stock_samples (
  event_id text not null,
  sku text not null,
  minute timestamptz not null,
  available integer not null,
  primary key (event_id, sku, minute)
);

-- The customer a shopper id turned out to be (known once that shopper places an order); sessions
-- join it through shopper_id.
create table shopper_customers (
  shopper_id text primary key,
  customer_id text not null,
  linked_at timestamptz not null default now()
);
create index shopper_customers_customer on shopper_customers (customer_id);
