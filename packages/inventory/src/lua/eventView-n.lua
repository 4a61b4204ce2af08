--[[
  What the joins of one event-loop turn show of an event's inventory, in one call for all of them:
  the Redis clock, the event's config hash, the counts and version of each given SKU, and the holds
  of each given shopper. Reads only; every key is in the event's slot.

  Input:
    KEYS[1]       event config hash
    KEYS[2]       the event's shopper-holds sorted set
    KEYS[2 + i]   i-th SKU's stock hash

    ARGV[i]       i-th shopper id

  Output:
    {
      { seconds, microseconds },                                 -- TIME
      { field, value, ... },                                     -- HGETALL of the config
      { { allocated, available, held, sold, version }, ... },    -- one per SKU, in KEYS order
      { { member, ... }, ... },                                  -- one per shopper, in ARGV order
    }
]]
local rcall = redis.call

--@include "shopper-holds"

local stock = {}
for i = 3, #KEYS do
  stock[i - 2] = rcall('HMGET', KEYS[i], 'allocated', 'available', 'held', 'sold', 'version')
end
local holds = {}
for i = 1, #ARGV do
  holds[i] = shopperHoldsOf(KEYS[2], ARGV[i])
end
return { rcall('TIME'), rcall('HGETALL', KEYS[1]), stock, holds }
