--[[
  Commits holds to an order, all or nothing: every hold must exist and be unexpired, else nothing
  changes. Each hold moves from held to sold with one ledger entry carrying the order id. The
  shopper's allowance is kept (bought units still count towards the limit).
  The number of keys varies: 3 + 4 per hold (a SKU's keys repeat when it has several holds).

  Input:
    KEYS[1]   event ledger stream
    KEYS[2]   event shopper-holds zset
    KEYS[3]   idempotency key
    then per hold i (base = 3 + 4 * (i - 1)):
    KEYS[base + 1] SKU stock hash   KEYS[base + 2] SKU hold expiry zset
    KEYS[base + 3] SKU hold data hash   KEYS[base + 4] SKU expired-hold tombstones zset

    ARGV[1] orderId
    ARGV[2] fingerprint (order id and sorted hold ids)
    ARGV[3] ledger source
    ARGV[4] idempotency TTL, seconds
    ARGV[5] ledger max length (0 = untrimmed)
    then per hold i: ARGV[4 + 2i] holdId, ARGV[5 + 2i] sku

  Output:
    {1, holdId1, qty1, available1, version1, generation1, holdId2, ...} in the order of the first
    call (a replay may list the same holds in another order)
  Errors:
    {-6} idempotency conflict
    {-7, holdId} hold not found   {-8, holdId} hold expired
]]
local rcall = redis.call
local ledgerKey = KEYS[1]
local shoppersKey = KEYS[2]
local idemKey = KEYS[3]
local configKey = KEYS[4]
local orderId = ARGV[1]
local fingerprint = ARGV[2]
local maxLen = tonumber(ARGV[5])
local holdCount = (#ARGV - 5) / 2

--@include "now"
--@include "idempotency"
--@include "holds"

local prior = replayResult(idemKey, fingerprint)
if prior then
  return prior
end

local now = nowMs()
local holds = {}
for i = 1, holdCount do
  local base = 4 + 4 * (i - 1)
  local k = { stock = KEYS[base + 1], expiry = KEYS[base + 2], data = KEYS[base + 3], expired = KEYS[base + 4],
    shoppers = shoppersKey }
  local holdId = ARGV[4 + 2 * i]
  local record = rcall('HGET', k.data, holdId)
  if not record then
    if rcall('ZSCORE', k.expired, holdId) then
      return { -8, holdId }
    end
    return { -7, holdId }
  end
  local qty, shopperId, expiresAt = decodeHold(record)
  if expiresAt <= now then
    return { -8, holdId }
  end
  holds[i] = { k = k, holdId = holdId, sku = ARGV[5 + 2 * i], qty = qty, shopperId = shopperId, expiresAt = expiresAt }
end

local result = { 1 }
local generation = readGeneration(configKey)
for i = 1, holdCount do
  local h = holds[i]
  dropHold(h.k, h.holdId, h.qty, h.shopperId, h.expiresAt)
  local c = readStock(h.k.stock)
  c.generation = generation
  c.held = c.held - h.qty
  c.sold = c.sold + h.qty
  c.version = c.version + 1
  writeStock(h.k.stock, c)
  appendLedger(ledgerKey, maxLen, 'commit', h.sku, h.qty, c, c.available, h.holdId, orderId, h.shopperId, ARGV[3], now)
  result[#result + 1] = h.holdId
  result[#result + 1] = h.qty
  result[#result + 1] = c.available
  result[#result + 1] = c.version
  result[#result + 1] = c.generation
end

rememberResult(idemKey, fingerprint, ARGV[4], result)
return result
