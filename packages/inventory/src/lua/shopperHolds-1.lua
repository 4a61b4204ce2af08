--[[
  The holds of several shoppers in one event, in one call. Reads only.

  Input:
    KEYS[1]   the event's shopper-holds sorted set

    ARGV[i]   i-th shopper id

  Output:
    { members of shopper 1, members of shopper 2, ... }: one array per shopper id, in ARGV order
    (see includes/shopper-holds.lua)
]]
local rcall = redis.call

--@include "shopper-holds"

local found = {}
for i = 1, #ARGV do
  found[i] = shopperHoldsOf(KEYS[1], ARGV[i])
end
return found
