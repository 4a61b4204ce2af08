-- Events and their product catalog. Live stock lives in Redis; this is the system of record.
create table events (
  id text primary key,
  title text not null,
  stream_url text,
  poster_url text,
  hold_ttl_seconds integer not null,
  status text not null check (status in ('scheduled', 'live', 'ended')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table products (
  event_id text not null references events (id) on delete cascade,
  sku text not null,
  position integer not null,
  title text not null,
  price_cents integer not null,
  currency text not null,
  image_url text,
  description text,
  limit_per_shopper integer not null default 0,
  primary key (event_id, sku)
);

-- Server-wide settings shared by every process on this database (e.g. the generated signing secret).
create table settings (
  key text primary key,
  value text not null
);
