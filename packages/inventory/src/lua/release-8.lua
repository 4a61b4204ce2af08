--[[
  Releases one hold: its units go back to available and the shopper's allowance is restored.
  A hold found past its expiry is expired instead (ledger type `expire`) and reported HOLD_EXPIRED.

  Input:
    KEYS[1] SKU stock hash
    KEYS[2] SKU hold expiry zset
    KEYS[3] SKU hold data hash (holds, and b:<shopper> -> units held + bought)
    KEYS[4] event shopper-holds zset
    KEYS[5] SKU expired-hold tombstones zset
    KEYS[6] event ledger stream
    KEYS[7] idempotency key
    KEYS[8] event config hash (its stock generation)

    ARGV[1] sku
    ARGV[2] holdId
    ARGV[3] shopperId that must own the hold ('' = any)
    ARGV[4] ledger source
    ARGV[5] idempotency TTL, seconds
    ARGV[6] ledger max length (0 = untrimmed)

  Output:
    {1, qty, available, version, generation}
  Errors:
    {-6} idempotency conflict   {-7} hold not found
    {-8} hold expired           {-9} hold belongs to another shopper
]]
local rcall = redis.call
local k = { stock = KEYS[1], expiry = KEYS[2], data = KEYS[3], shoppers = KEYS[4], expired = KEYS[5],
  ledger = KEYS[6] }
local idemKey = KEYS[7]
local configKey = KEYS[8]

local sku = ARGV[1]
local holdId = ARGV[2]
local requester = ARGV[3]
local maxLen = tonumber(ARGV[6])

--@include "now"
--@include "idempotency"
--@include "holds"

local fingerprint = holdId .. '|' .. requester
local prior = replayResult(idemKey, fingerprint)
if prior then
  return prior
end

local record = rcall('HGET', k.data, holdId)
if not record then
  if rcall('ZSCORE', k.expired, holdId) then
    return { -8 }
  end
  return { -7 }
end
local qty, shopperId, expiresAt = decodeHold(record)
if requester ~= '' and requester ~= shopperId then
  return { -9 }
end

local now = nowMs()
local c = readStock(k.stock, configKey)
if expiresAt <= now then
  expireHold(k, sku, holdId, qty, shopperId, expiresAt, now, c, 'system', maxLen)
  writeStock(k.stock, c)
  return { -8 }
end

returnHold(k, 'release', sku, holdId, qty, shopperId, expiresAt, now, c, ARGV[4], maxLen)
writeStock(k.stock, c)

local result = { 1, qty, c.available, c.version, c.generation }
rememberResult(idemKey, fingerprint, ARGV[5], result)
return result
