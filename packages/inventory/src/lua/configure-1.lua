--[[
  Writes an event's config hash: status, hold TTL, the most units per reserve and, when given, the
  per-shopper limits, which replace all earlier ones (see includes/limits.lua). An event
  configured for the first time starts `scheduled` with a 300 s hold TTL.

  Input:
    KEYS[1]       event config hash

    ARGV[1]       status, '' = unchanged
    ARGV[2]       hold TTL in ms, '' = unchanged
    ARGV[3]       most units one reserve may take, '' = unchanged
    ARGV[4]       '1' when limits are given, '0' to leave them as they are
    ARGV[3 + 2i]  i-th SKU     ARGV[4 + 2i] its limit (0 = none)

  Output:
    {1}
]]
local rcall = redis.call
local configKey = KEYS[1]

--@include "limits"

rcall('HSETNX', configKey, 'status', 'scheduled')
rcall('HSETNX', configKey, 'ttlMs', 300000)
if ARGV[1] ~= '' then
  rcall('HSET', configKey, 'status', ARGV[1])
end
if ARGV[2] ~= '' then
  rcall('HSET', configKey, 'ttlMs', ARGV[2])
end
if ARGV[3] ~= '' then
  rcall('HSET', configKey, 'maxQty', ARGV[3])
end

if ARGV[4] == '1' then
  clearLimits(configKey)
  for i = 5, #ARGV, 2 do
    setLimit(configKey, ARGV[i], tonumber(ARGV[i + 1]))
  end
end
return { 1 }
