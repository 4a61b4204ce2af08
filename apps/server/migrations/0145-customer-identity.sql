-- Customer identity: one profile per person, found by any identifier an order or a counter sale
-- carried. The customers table of 0010 is the profile; its email, phone and loyalty_id columns stay
-- what was last written (for display), and matching reads customer_identifiers, which holds every
-- normalised identifier once: an email (trimmed, lower case), a phone (E.164) or a loyalty id
-- (trimmed). Identifiers point only at profiles that were not merged away.

-- A profile made from a counter sale may carry a phone or a loyalty id and no email.
alter table customers alter column email drop not null;
-- Set when the profile was merged into another; its identifiers moved there.
alter table customers add column merged_into bigint references customers (id);

create table customer_identifiers (
  kind text not null check (kind in ('loyalty', 'email', 'phone')),
  value text not null,
  customer_id bigint not null references customers (id),
  created_at timestamptz not null default now(),
  primary key (kind, value)
);
create index customer_identifiers_customer on customer_identifiers (customer_id);

-- Every time one purchase named identifiers of two profiles: merged (the second profile's
-- identifiers moved to the kept one) or kept apart (both hold a different identifier of a kind
-- stronger than the one that linked them), with the identifier that linked them.
create table customer_merges (
  id bigserial primary key,
  kept_id bigint not null references customers (id),
  other_id bigint not null references customers (id),
  outcome text not null check (outcome in ('merged', 'kept_apart')),
  linked_by text not null,
  reason text not null,
  at timestamptz not null default now()
);

-- The profiles written before: their e-mail addresses (already lower case), loyalty ids, and the
-- phones written with a leading "+" (those are E.164 once the punctuation goes).
insert into customer_identifiers (kind, value, customer_id)
  select 'email', lower(trim(email)), id from customers where email is not null
  on conflict do nothing;
insert into customer_identifiers (kind, value, customer_id)
  select 'loyalty', trim(loyalty_id), id from customers where loyalty_id is not null and trim(loyalty_id) <> ''
  on conflict do nothing;
insert into customer_identifiers (kind, value, customer_id)
  select 'phone', '+' || regexp_replace(phone, '[^0-9]', '', 'g'), id from customers
   where phone ~ '^\s*\+' and length(regexp_replace(phone, '[^0-9]', '', 'g')) between 8 and 15
  on conflict do nothing;
