-- Sales made at a POS counter, as the POS webhooks report them (Shopify `orders/create` with
-- `source_name: 'pos'`, Square `payment.created`, the generic webhook's `sale`), each resolved to a
-- customer profile when it carried an identifier. They feed influenced revenue. One row per POS
-- order (provider, order_ref): a redelivery, or a second payment of one Square order, adds nothing.
create table pos_sales (
  provider text not null check (provider in ('shopify', 'square', 'generic')),
  order_ref text not null,
  delivery_id text not null,
  occurred_at timestamptz not null,
  -- In the currency's minor units, as the POS reported the sale's total.
  total_cents bigint not null check (total_cents >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  customer_id bigint references customers (id),
  -- The POS's own customer id when it sent one (Square's customer_id); not matched on.
  pos_customer_id text,
  pos_location_id text,
  -- [{posItemId, qty, sku?}]: sku when the POS item is mapped (pos_item_mappings).
  lines jsonb not null,
  -- A test order of the POS (Shopify's `test`): stored, never counted.
  test boolean not null,
  received_at timestamptz not null default now(),
  primary key (provider, order_ref)
);
create index pos_sales_customer on pos_sales (customer_id, occurred_at) where customer_id is not null;
