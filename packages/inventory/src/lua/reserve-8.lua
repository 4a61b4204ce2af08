--[[
  Reserves units of one SKU for a shopper: first returns that SKU's due holds to stock (a bounded
  batch, so a dead sweeper never leaks units), then checks status, stock and the per-shopper limit,
  and creates a hold that expires after the event's hold TTL.

  A shopper banned from the event (`ban:<shopperId>` in the config hash) is refused, and so is a
  reserve of a drop's SKU before it goes on sale (`onsale:<sku>`, epoch ms by Redis's clock).

  Input:
    KEYS[1]  event config hash (status, ttlMs, gen, maxQty, the SKU's `limit:<sku>` and
             `onsale:<sku>`, the shopper's `ban:<shopperId>`)
    KEYS[2]  SKU stock hash (and `due`: no hold of the SKU expires before it)
    KEYS[3]  SKU hold expiry zset
    KEYS[4]  SKU hold data hash (holds, and b:<shopper> -> units held + bought)
    KEYS[5]  event shopper-holds zset
    KEYS[6]  SKU expired-hold tombstones zset
    KEYS[7]  event ledger stream
    KEYS[8]  idempotency key (scoped to the shopper)

    ARGV[1]  sku
    ARGV[2]  qty
    ARGV[3]  shopperId
    ARGV[4]  hold id nonce (lowercase base 36)
    ARGV[5]  idempotency TTL, seconds
    ARGV[6]  most due holds to reclaim first
    ARGV[7]  ledger max length (0 = untrimmed)

  Output:
    {1, holdId, expiresAtMs, available, version, generation}
  Errors:
    {-1} event not configured       {-2} unknown SKU
    {-3, status} event not live      {-4, available} sold out
    {-5, limit, owned} over limit    {-6} idempotency conflict
    {-11, maxQty} more units than one reserve may take
    {-15} shopper banned             {-16, startsAt} SKU not on sale yet
]]
local rcall = redis.call
local configKey = KEYS[1]
local k = { stock = KEYS[2], expiry = KEYS[3], data = KEYS[4], shoppers = KEYS[5], expired = KEYS[6],
  ledger = KEYS[7] }
local idemKey = KEYS[8]

local sku = ARGV[1]
local qty = tonumber(ARGV[2])
local shopperId = ARGV[3]
local maxLen = tonumber(ARGV[7])

--@include "now"
--@include "idempotency"
--@include "holds"
--@include "base36"
--@include "limits"

local fingerprint = sku .. '|' .. ARGV[2] .. '|' .. shopperId
local prior = storedText(idemKey, fingerprint)
if prior == CONFLICT then
  return prior
elseif prior then
  -- Stored as "<holdId>|<expiresAt>|<available>|<version>|<generation>".
  local holdId, expiresAt, available, version, generation = string.match(prior,
    '^([^|]+)|(%d+)|(%d+)|(%d+)|(%d+)$')
  return { 1, holdId, tonumber(expiresAt), tonumber(available), tonumber(version), tonumber(generation) }
end

-- The SKU's per-shopper limit, its drop time and the shopper's ban ride along with the event's
-- settings: one call instead of four.
local config = rcall('HMGET', configKey, 'status', 'ttlMs', 'gen', 'maxQty', LIMIT_FIELD .. sku,
  'onsale:' .. sku, 'ban:' .. shopperId)
if not config[1] then
  return { -1 }
end
if config[1] ~= 'live' then
  return { -3, config[1] }
end
if config[7] then
  return { -15 }
end
local maxQty = tonumber(config[4])
if maxQty and qty > maxQty then
  return { -11, maxQty }
end
-- The counts, and `due` (see expireEarliestHolds in holds.lua): no hold of the SKU expires before it.
local counts = rcall('HMGET', k.stock, 'allocated', 'available', 'held', 'sold', 'version', 'short', 'due')
local c = decodeStock(counts)
if not c then
  return { -2 }
end
local limit = tonumber(config[5] or 0)
c.generation = tonumber(config[3]) or 0

local now = nowMs()
local onSale = tonumber(config[6])
if onSale and now < onSale then
  return { -16, onSale }
end
-- Due holds go back first, read only when one may be due. The reclaimed counts stay in `c`: a
-- refusal below writes them, a new hold writes them with its own.
local due = tonumber(counts[7])
local reclaimed, scanned = 0, false
if not due or due <= now then
  reclaimed, due = expireEarliestHolds(k, sku, now, tonumber(ARGV[6]), c, 'system', maxLen)
  scanned = true
end
-- A refusal keeps what the read learnt (counts of expired holds, the next expiry).
local function refuse(result)
  if reclaimed > 0 then
    writeStock(k.stock, c)
  end
  if scanned then
    if due then
      rcall('HSET', k.stock, 'due', due)
    else
      rcall('HDEL', k.stock, 'due')
    end
  end
  return result
end
if c.available < qty then
  return refuse({ -4, c.available })
end
-- Counted first and taken back when over the limit: one call on the usual path instead of two.
local owned = rcall('HINCRBY', k.data, BUYER_FIELD .. shopperId, qty)
if limit > 0 and owned > limit then
  returnToShopperAllowance(k, shopperId, qty)
  return refuse({ -5, limit, owned - qty })
end

local before = c.available
c.available = before - qty
c.held = c.held + qty
c.version = c.version + 1
local holdId = 'h' .. toBase36(c.version) .. ARGV[4] .. '~' .. sku
local expiresAt = now + tonumber(config[2])
rcall('HSET', k.data, holdId, encodeHold(qty, shopperId, expiresAt))
rcall('ZADD', k.expiry, expiresAt, holdId)
rcall('ZADD', k.shoppers, 0, shopperMember(shopperId, holdId, qty, expiresAt))
if not due or expiresAt < due then
  due = expiresAt
end
if reclaimed > 0 then
  -- Expired holds may have paid `short` off (allocated moved): every count is written.
  writeStock(k.stock, c)
  rcall('HSET', k.stock, 'due', due)
else
  rcall('HSET', k.stock, 'available', c.available, 'held', c.held, 'version', c.version, 'due', due)
end
appendLedger(k.ledger, maxLen, 'reserve', sku, qty, c, before, holdId, nil, shopperId, 'shop', now)

storeText(idemKey, fingerprint, ARGV[5],
  holdId .. '|' .. expiresAt .. '|' .. c.available .. '|' .. c.version .. '|' .. c.generation)
return { 1, holdId, expiresAt, c.available, c.version, c.generation }
