-- The most units one reserve may take, an event setting like the hold TTL (kept in Redis's copy
-- of the event's config, where the reserve script reads it).
alter table events add column max_qty_per_reserve integer not null default 10;
