--[[
  Expires due holds of one SKU for the sweeper, at most a batch per call.

  Input:
    KEYS[1] SKU stock hash
    KEYS[2] SKU hold expiry zset
    KEYS[3] SKU hold data hash (holds, and b:<shopper> -> units held + bought)
    KEYS[4] event shopper-holds zset
    KEYS[5] SKU expired-hold tombstones zset
    KEYS[6] event ledger stream
    KEYS[7] event config hash (its stock generation)

    ARGV[1] sku
    ARGV[2] batch size
    ARGV[3] ledger max length (0 = untrimmed)

  Output:
    {expired, more} where more is 1 when due holds remain after this batch
]]
local rcall = redis.call
local k = { stock = KEYS[1], expiry = KEYS[2], data = KEYS[3], shoppers = KEYS[4], expired = KEYS[5],
  ledger = KEYS[6] }

--@include "now"
--@include "holds"

local c = readStock(k.stock, KEYS[7])
if not c then
  return { 0, 0 }
end
local now = nowMs()
local expired, more = expireDueHolds(k, ARGV[1], now, tonumber(ARGV[2]), c, 'sweeper', tonumber(ARGV[3]))
if expired > 0 then
  writeStock(k.stock, c)
end
return { expired, more and 1 or 0 }
