-- What Redis may lose and PostgreSQL keeps to restore a live event: each SKU's allocation as last
-- set (per location: '' is the event's own pool until locations exist), and a sequence the stock
-- generations of restores are drawn from (never reused, even by a transaction that rolls back).
create table stock_allocations (
  event_id text not null,
  sku text not null,
  location_id text not null default '',
  units integer not null check (units >= 0),
  updated_at timestamptz not null default now(),
  primary key (event_id, sku, location_id),
  foreign key (event_id, sku) references products (event_id, sku) on delete cascade
);

create sequence stock_generation;
