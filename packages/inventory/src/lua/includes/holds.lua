--[[
  Holds of one SKU live in three places, all passed in KEYS and grouped in a table `k`:
    k.data     hash holdId -> "<qty>|<shopperId>|<expiresAtMs>" (encodeHold, decodeHold); the same
               hash counts, per shopper, units held plus bought (the per-shopper limit) in fields
               "b:<shopperId>" (hold ids start with h, so the two never meet; one key fewer per
               script call)
    k.expiry   zset holdId scored by expiresAtMs (what expiry scans)
    k.shoppers the event's zset of "<shopperId>|<holdId>|<qty>|<expiresAtMs>" (shopperMember) at
               score 0, so one shopper's holds are one ZRANGEBYLEX
  k.expired keeps tombstones of expired holds for an hour so release/commit can answer HOLD_EXPIRED.
  A hold extended for a payment (extend-n.lua) keeps its expiry before the first extension in
  k.data field "x:<holdId>" (the cap of its extensions); dropHold removes it with the hold.
  packages/inventory/src/hold-record.ts decodes both forms for the store's reads.
]]
--@include "stock"
--@include "ledger"

local TOMBSTONE_MS = 3600000
local BUYER_FIELD = 'b:'

local function encodeHold(qty, shopperId, expiresAt)
  return qty .. '|' .. shopperId .. '|' .. expiresAt
end

local function decodeHold(record)
  local qty, shopperId, expiresAt = string.match(record, '^(%d+)|([^|]+)|(%d+)$')
  return tonumber(qty), shopperId, tonumber(expiresAt)
end

local function shopperMember(shopperId, holdId, qty, expiresAt)
  return shopperId .. '|' .. holdId .. '|' .. qty .. '|' .. expiresAt
end

local function dropHold(k, holdId, qty, shopperId, expiresAt)
  rcall('HDEL', k.data, holdId, 'x:' .. holdId)
  rcall('ZREM', k.expiry, holdId)
  rcall('ZREM', k.shoppers, shopperMember(shopperId, holdId, qty, expiresAt))
end

local function returnToShopperAllowance(k, shopperId, qty)
  local field = BUYER_FIELD .. shopperId
  if rcall('HINCRBY', k.data, field, -qty) <= 0 then
    rcall('HDEL', k.data, field)
  end
end

-- Returns one hold's units to available and the shopper's allowance (counts in `c`, written by
-- the caller), with a ledger entry of `kind` (release or expire).
local function returnHold(k, kind, sku, holdId, qty, shopperId, expiresAt, now, c, source, maxLen)
  dropHold(k, holdId, qty, shopperId, expiresAt)
  returnToShopperAllowance(k, shopperId, qty)
  local before = c.available
  c.held = c.held - qty
  -- Units the POS no longer has (c.short, see stock.lua) leave the event instead of coming back.
  local kept = 0
  if c.short and c.short > 0 then
    kept = math.min(c.short, qty)
    c.short = c.short - kept
    c.allocated = c.allocated - kept
  end
  c.available = c.available + qty - kept
  c.version = c.version + 1
  appendLedger(k.ledger, maxLen, kind, sku, qty, c, before, holdId, nil, shopperId, source, now)
end

-- returnHold, leaving a tombstone so a later release or commit of the hold hears HOLD_EXPIRED.
local function expireHold(k, sku, holdId, qty, shopperId, expiresAt, now, c, source, maxLen)
  rcall('ZADD', k.expired, now, holdId)
  returnHold(k, 'expire', sku, holdId, qty, shopperId, expiresAt, now, c, source, maxLen)
end

-- Expires up to `limit` due holds of one SKU, oldest first (counts in `c`, written by the caller
-- when any expired, so a caller that changes them further writes the stock once).
-- Returns how many it took and whether more are due (one more is fetched only to tell).
local function expireDueHolds(k, sku, now, limit, c, source, maxLen)
  local due = rcall('ZRANGEBYSCORE', k.expiry, '-inf', now, 'LIMIT', 0, limit + 1)
  local count = math.min(#due, limit)
  for i = 1, count do
    local holdId = due[i]
    local record = rcall('HGET', k.data, holdId)
    if record then
      local qty, shopperId, expiresAt = decodeHold(record)
      expireHold(k, sku, holdId, qty, shopperId, expiresAt, now, c, source, maxLen)
    else
      rcall('ZREM', k.expiry, holdId)
    end
  end
  if count > 0 then
    rcall('ZREMRANGEBYSCORE', k.expired, '-inf', now - TOMBSTONE_MS)
  end
  return count, #due > limit
end

-- Like expireDueHolds, for reserve: reads the earliest holds whether due or not (one call either
-- way), so it also learns when the next one falls due. Returns how many it took and the expiry of
-- the earliest hold left: nil when none is left, <= now when more are due than `limit`.
-- Reserve keeps that in the stock hash as `due`, a lower bound of every expiry in k.expiry (a
-- new hold lowers it to its own expiry; extend only moves holds later; holds leaving only raise
-- the true minimum), and skips the read while now < due: the usual reserve has nothing due.
local function expireEarliestHolds(k, sku, now, limit, c, source, maxLen)
  local earliest = rcall('ZRANGE', k.expiry, 0, limit, 'WITHSCORES')
  local count, nextDue = 0, nil
  for i = 1, #earliest, 2 do
    local expiresAt = tonumber(earliest[i + 1])
    if expiresAt > now or count == limit then
      nextDue = expiresAt
      break
    end
    local holdId = earliest[i]
    local record = rcall('HGET', k.data, holdId)
    if record then
      local qty, shopperId, recordExpiresAt = decodeHold(record)
      expireHold(k, sku, holdId, qty, shopperId, recordExpiresAt, now, c, source, maxLen)
    else
      rcall('ZREM', k.expiry, holdId)
    end
    count = count + 1
  end
  if count > 0 then
    rcall('ZREMRANGEBYSCORE', k.expired, '-inf', now - TOMBSTONE_MS)
  end
  return count, nextDue
end
