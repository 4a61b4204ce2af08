--[[
  Sets the units of one SKU at one location (see includes/locations.lua), up or down: the SKU's
  allocation moves by the difference, as one `allocate` ledger entry (viewers see the pooled
  count). Refused when the location would hold fewer units than it has sold, or the SKU's
  allocation would go below held + sold. Setting the current value changes nothing.

  Input:
    KEYS[1] SKU stock hash
    KEYS[2] event SKU set
    KEYS[3] event ledger stream
    KEYS[4] event config hash (its stock generation)
    KEYS[5] SKU locations hash

    ARGV[1] sku
    ARGV[2] locationId
    ARGV[3] units at the location
    ARGV[4] ledger source
    ARGV[5] ledger max length (0 = untrimmed)

  Output:
    {1, allocated, available, held, sold, version, generation}
  Errors:
    {-10, held, sold} allocation below held + sold
    {-14, soldAtLocation} fewer units at the location than it has sold
]]
local rcall = redis.call
local stockKey = KEYS[1]
local locationsKey = KEYS[5]
local sku = ARGV[1]
local locationId = ARGV[2]
local units = tonumber(ARGV[3])

--@include "now"
--@include "stock"
--@include "ledger"

local c = readStock(stockKey, KEYS[4])
local existed = c ~= nil
if not existed then
  c = { allocated = 0, available = 0, held = 0, sold = 0, version = 0, generation = readGeneration(KEYS[4]) }
end
local current = tonumber(rcall('HGET', locationsKey, 'a:' .. locationId)) or 0
local soldHere = tonumber(rcall('HGET', locationsKey, 's:' .. locationId)) or 0
if units < soldHere then
  return { -14, soldHere }
end
local total = c.allocated - current + units
if total < c.held + c.sold then
  return { -10, c.held, c.sold }
end

rcall('HSET', locationsKey, 'a:' .. locationId, units)
if not existed or total ~= c.allocated then
  local before = c.available
  c.allocated = total
  c.available = total - c.held - c.sold
  c.version = c.version + 1
  writeStock(stockKey, c)
  rcall('SADD', KEYS[2], sku)
  appendLedger(KEYS[3], tonumber(ARGV[5]), 'allocate', sku, total, c, before, nil, nil, nil, ARGV[4], nowMs())
end
return { 1, c.allocated, c.available, c.held, c.sold, c.version, c.generation }
