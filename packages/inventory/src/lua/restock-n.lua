--[[
  Puts refunded units of an order back on sale: each line's units move from sold to available,
  with one `refund` ledger entry carrying the order id, and go back to the locations the commit
  drew them from. Viewers see the units come back through the ledger; the buyer's allowance (the
  per-shopper limit's count of units held plus bought) gives the units back too. All or nothing:
  a line asking more than the SKU has sold changes nothing. The idempotency key names the refund.
  The number of keys varies: 3 + 3 per line.

  Input:
    KEYS[1] event ledger stream
    KEYS[2] idempotency key (the refund's)
    KEYS[3] event config hash (its stock generation)
    then per line i (base = 3 + 3 * (i - 1)):
    KEYS[base + 1] SKU stock hash   KEYS[base + 2] SKU locations hash   KEYS[base + 3] SKU hold data hash

    ARGV[1] orderId
    ARGV[2] fingerprint
    ARGV[3] ledger source
    ARGV[4] idempotency TTL, seconds
    ARGV[5] ledger max length (0 = untrimmed)
    then per line i (at = 5 + 4 * (i - 1)): ARGV[at + 1] sku, ARGV[at + 2] units, ARGV[at + 3]
    draws to put back ("<locationId>=<units>" joined with ','; '' when the commit drew from no
    location), ARGV[at + 4] the buyer's shopper id ('' when none)

  Output:
    {1, available1, version1, generation1, available2, ...}
  Errors:
    {-6} idempotency conflict   {-13, sku} more units than the SKU has sold
]]
local rcall = redis.call
local ledgerKey = KEYS[1]
local idemKey = KEYS[2]
local configKey = KEYS[3]
local orderId = ARGV[1]
local maxLen = tonumber(ARGV[5])
local lineCount = (#ARGV - 5) / 4

--@include "now"
--@include "idempotency"
--@include "stock"
--@include "ledger"
--@include "locations"
--@include "holds"

local function lineArgs(i)
  local at = 5 + 4 * (i - 1)
  local base = 3 + 3 * (i - 1)
  return ARGV[at + 1], tonumber(ARGV[at + 2]), ARGV[at + 3], ARGV[at + 4], KEYS[base + 1], KEYS[base + 2], KEYS[base + 3]
end

local prior = replayResult(idemKey, ARGV[2])
if prior then
  return prior
end

local generation = readGeneration(configKey)
local counts = {}
for i = 1, lineCount do
  local sku, units, _, _, stockKey = lineArgs(i)
  local c = counts[stockKey] or readStock(stockKey)
  if not c or c.sold < units then
    return { -13, sku }
  end
  c.sold = c.sold - units
  counts[stockKey] = c
end

local now = nowMs()
local result = { 1 }
for i = 1, lineCount do
  local sku, units, draws, buyer, stockKey, locationsKey, dataKey = lineArgs(i)
  local c = readStock(stockKey)
  c.generation = generation
  local before = c.available
  c.sold = c.sold - units
  c.available = c.available + units
  c.version = c.version + 1
  writeStock(stockKey, c)
  writeDraws(locationsKey, parseDraws(draws), -1)
  local shopper = nil
  if buyer ~= '' then
    shopper = buyer
    returnToShopperAllowance({ data = dataKey }, buyer, units)
  end
  appendLedger(ledgerKey, maxLen, 'refund', sku, units, c, before, nil, orderId, shopper, ARGV[3], now)
  result[#result + 1] = c.available
  result[#result + 1] = c.version
  result[#result + 1] = c.generation
end

rememberResult(idemKey, ARGV[2], ARGV[4], result)
return result
