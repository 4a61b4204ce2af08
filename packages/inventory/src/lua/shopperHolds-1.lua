--[[
  The holds of several shoppers in one event, in one call: the joins of one event-loop turn ask
  for theirs together, instead of one ZRANGEBYLEX each. Reads only.

  Input:
    KEYS[1]   the event's shopper-holds sorted set (members `<shopperId>|<holdId>|<qty>|<expiresAt>`,
              all with score 0, so that one shopper's members are one lexicographic range)

    ARGV[i]   i-th shopper id

  Output:
    { members of shopper 1, members of shopper 2, ... }: one array per shopper id, in ARGV order,
    each what `ZRANGEBYLEX key [<id>| (<id>}` answers (`}` sorts right after `|`)
]]
local rcall = redis.call
local key = KEYS[1]
local found = {}
for i = 1, #ARGV do
  local id = ARGV[i]
  found[i] = rcall('ZRANGEBYLEX', key, '[' .. id .. '|', '(' .. id .. '}')
end
return found
