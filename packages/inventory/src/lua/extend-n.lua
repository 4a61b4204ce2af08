--[[
  Extends a shopper's holds so a payment can finish before they run out: each hold's expiry
  becomes at least now + the payment window, never more than its expiry before its first
  extension + the cap (kept in the hold data field "x:<holdId>"), so repeated checkouts cannot
  hold units for ever. All or nothing: every hold must exist, be the shopper's and be unexpired.
  No stock moves, so no ledger entry.
  The number of keys varies: 1 + 3 per hold.

  Input:
    KEYS[1] event shopper-holds zset
    then per hold i (base = 1 + 3 * (i - 1)):
    KEYS[base + 1] SKU hold expiry zset   KEYS[base + 2] SKU hold data hash
    KEYS[base + 3] SKU expired-hold tombstones zset

    ARGV[1] shopperId the holds must belong to
    ARGV[2] payment window, ms
    ARGV[3] cap: most ms past the expiry before the first extension
    then per hold i: ARGV[3 + i] holdId

  Output:
    {1, deadline, expiresAt1, expiresAt2, ...}: deadline is the earliest new expiry (epoch ms,
    Redis clock), before which a commit of every hold succeeds
  Errors:
    {-7, holdId} hold not found (also another shopper's hold)   {-8, holdId} hold expired
]]
local rcall = redis.call
local shoppersKey = KEYS[1]
local shopperId = ARGV[1]
local windowMs = tonumber(ARGV[2])
local capMs = tonumber(ARGV[3])
local holdCount = #ARGV - 3

--@include "now"
--@include "holds"

local now = nowMs()
local holds = {}
for i = 1, holdCount do
  local base = 1 + 3 * (i - 1)
  local k = { expiry = KEYS[base + 1], data = KEYS[base + 2], expired = KEYS[base + 3], shoppers = shoppersKey }
  local holdId = ARGV[3 + i]
  local record = rcall('HGET', k.data, holdId)
  if not record then
    if rcall('ZSCORE', k.expired, holdId) then
      return { -8, holdId }
    end
    return { -7, holdId }
  end
  local qty, owner, expiresAt = decodeHold(record)
  if owner ~= shopperId then
    return { -7, holdId }
  end
  if expiresAt <= now then
    return { -8, holdId }
  end
  holds[i] = { k = k, holdId = holdId, qty = qty, expiresAt = expiresAt }
end

local result = { 1, 0 }
local deadline = nil
for i = 1, holdCount do
  local h = holds[i]
  local first = tonumber(rcall('HGET', h.k.data, 'x:' .. h.holdId)) or h.expiresAt
  local wanted = math.min(math.max(h.expiresAt, now + windowMs), first + capMs)
  if wanted > h.expiresAt then
    rcall('HSET', h.k.data, h.holdId, encodeHold(h.qty, shopperId, wanted), 'x:' .. h.holdId, first)
    rcall('ZADD', h.k.expiry, wanted, h.holdId)
    rcall('ZREM', shoppersKey, shopperMember(shopperId, h.holdId, h.qty, h.expiresAt))
    rcall('ZADD', shoppersKey, 0, shopperMember(shopperId, h.holdId, h.qty, wanted))
  else
    wanted = h.expiresAt
  end
  result[#result + 1] = wanted
  if not deadline or wanted < deadline then
    deadline = wanted
  end
end
result[2] = deadline
return result
