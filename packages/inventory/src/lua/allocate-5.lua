--[[
  Sets the units of one SKU allotted to an event, up or down, creating the SKU on first use.
  A decrease below what is held + sold is refused. Setting the current value changes nothing.

  Input:
    KEYS[1] SKU stock hash
    KEYS[2] event SKU set
    KEYS[3] event ledger stream
    KEYS[4] idempotency key (ignored when ARGV[4] is '0')
    KEYS[5] event config hash (its stock generation)

    ARGV[1] sku
    ARGV[2] units (new allocation)
    ARGV[3] ledger source
    ARGV[4] '1' to use the idempotency key, '0' not to
    ARGV[5] idempotency TTL, seconds
    ARGV[6] ledger max length (0 = untrimmed)

  Output:
    {1, allocated, available, held, sold, version, generation}
  Errors:
    {-6} idempotency conflict
    {-10, held, sold} allocation below held + sold
]]
local rcall = redis.call
local stockKey = KEYS[1]
local skusKey = KEYS[2]
local ledgerKey = KEYS[3]
local idemKey = KEYS[4]
local configKey = KEYS[5]

local sku = ARGV[1]
local units = tonumber(ARGV[2])
local useIdempotency = ARGV[4] == '1'

--@include "now"
--@include "idempotency"
--@include "stock"
--@include "ledger"

local fingerprint = sku .. '|' .. ARGV[2]
if useIdempotency then
  local prior = replayResult(idemKey, fingerprint)
  if prior then
    return prior
  end
end

local c = readStock(stockKey, configKey)
local existed = c ~= nil
if not existed then
  c = { allocated = 0, available = 0, held = 0, sold = 0, version = 0, generation = readGeneration(configKey) }
end
if units < c.held + c.sold then
  return { -10, c.held, c.sold }
end

if not existed or units ~= c.allocated then
  local before = c.available
  c.allocated = units
  c.available = units - c.held - c.sold
  c.version = c.version + 1
  writeStock(stockKey, c)
  rcall('SADD', skusKey, sku)
  appendLedger(ledgerKey, tonumber(ARGV[6]), 'allocate', sku, units, c, before, nil, nil, nil, ARGV[3], nowMs())
end

local result = { 1, c.allocated, c.available, c.held, c.sold, c.version, c.generation }
if useIdempotency then
  rememberResult(idemKey, fingerprint, ARGV[5], result)
end
return result
