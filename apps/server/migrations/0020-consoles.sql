-- Host and moderator consoles: staff tokens (so they can be revoked), moderation decisions, drops
-- and the anomaly feed. Who acted is the staff token's id ('admin' or 'system' otherwise).

create table staff_tokens (
  id text primary key,
  role text not null check (role in ('host', 'moderator')),
  event_id text not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index staff_tokens_event on staff_tokens (event_id);

-- Every moderation decision, in order: deleted messages, mutes, bans (also a ban a new session
-- inherits from a banned shopper's IP).
create table moderation_actions (
  id bigserial primary key,
  event_id text not null,
  action text not null check (action in ('delete', 'mute', 'ban', 'ban_inherited')),
  shopper_id text,
  message_id text,
  until timestamptz,
  actor text not null,
  at timestamptz not null default now()
);
create index moderation_actions_event on moderation_actions (event_id, at desc);

-- Who is banned from an event, and the IPs their sockets had when banned; restored into Redis
-- when Redis loses the event.
create table bans (
  event_id text not null,
  shopper_id text not null,
  ips text[] not null default '{}',
  actor text not null,
  banned_at timestamptz not null default now(),
  primary key (event_id, shopper_id)
);

-- Drops: a product of an event goes on sale at starts_at (epoch ms).
create table drops (
  event_id text not null,
  sku text not null,
  starts_at bigint not null,
  actor text not null,
  set_at timestamptz not null default now(),
  primary key (event_id, sku)
);

-- The anomaly feed. dedupe_key makes raising the same finding twice (a detector resuming after a
-- crash re-reads entries it had not acknowledged) store it once.
create table anomalies (
  id text primary key,
  event_id text not null,
  rule text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  sku text,
  message text not null,
  data jsonb not null default '{}',
  dedupe_key text unique,
  at timestamptz not null default now(),
  acked_at timestamptz,
  acked_by text
);
create index anomalies_event_at on anomalies (event_id, at desc);
