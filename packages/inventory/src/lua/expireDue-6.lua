--[[
  Expires due holds of one SKU for the sweeper, at most a batch per call.

  Input:
    KEYS[1] SKU stock hash
    KEYS[2] SKU hold expiry zset
    KEYS[3] SKU hold data hash
    KEYS[4] SKU buyers hash
    KEYS[5] event shopper-holds zset
    KEYS[6] SKU expired-hold tombstones zset
    KEYS[7] event ledger stream

    ARGV[1] sku
    ARGV[2] batch size
    ARGV[3] ledger max length (0 = untrimmed)

  Output:
    {expired, more} where more is 1 when due holds remain after this batch
]]
local rcall = redis.call
local k = { stock = KEYS[1], expiry = KEYS[2], data = KEYS[3], buyers = KEYS[4], shoppers = KEYS[5],
  expired = KEYS[6], ledger = KEYS[7] }

--@include "now"
--@include "holds"

local c = readStock(k.stock)
if not c then
  return { 0, 0 }
end
local now = nowMs()
local expired = expireDueHolds(k, ARGV[1], now, tonumber(ARGV[2]), c, 'sweeper', tonumber(ARGV[3]))
local more = #rcall('ZRANGEBYSCORE', k.expiry, '-inf', now, 'LIMIT', 0, 1)
return { expired, more }
