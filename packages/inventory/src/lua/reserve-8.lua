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
local fmt = string.format
local configKey = KEYS[1]
local k = { stock = KEYS[2], expiry = KEYS[3], data = KEYS[4], shoppers = KEYS[5], expired = KEYS[6],
  ledger = KEYS[7] }
local idemKey = KEYS[8]

local sku = ARGV[1]
-- `+ 0` parses a text once (tonumber() parses it twice); optional fields go through `x and x + 0`.
local qty = ARGV[2] + 0
local shopperId = ARGV[3]
local maxLen = ARGV[7] + 0

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
local limit = config[5] and config[5] + 0 or 0
c.generation = config[3] and config[3] + 0 or 0

local now = nowMs()
local onSale = tonumber(config[6])
if onSale and now < onSale then
  return { -16, onSale }
end
-- Due holds go back first, read only when one may be due. The reclaimed counts stay in `c`: a
-- refusal below writes them, a new hold writes them with its own.
local due = counts[7] and counts[7] + 0
local reclaimed, scanned = 0, false
if not due or due <= now then
  reclaimed, due = expireEarliestHolds(k, sku, now, tonumber(ARGV[6]), c, 'system', maxLen)
  scanned = true
end
local refusal
if c.available < qty then
  refusal = { -4, c.available }
else
  -- Counted first and taken back when over the limit: one call on the usual path instead of two.
  local owned = rcall('HINCRBY', k.data, BUYER_FIELD .. shopperId, ARGV[2])
  if limit > 0 and owned > limit then
    returnToShopperAllowance(k, shopperId, qty)
    refusal = { -5, limit, owned - qty }
  end
end
-- A refusal keeps what the read learnt (counts of expired holds, the next expiry). Written out
-- here rather than in a local function: each would be a new closure on every call.
if refusal then
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
  return refusal
end

local before = c.available
c.available = before - qty
c.held = c.held + qty
c.version = c.version + 1
local holdId = 'h' .. toBase36(c.version) .. ARGV[4] .. '~' .. sku
local expiresAt = now + config[2]
-- What the calls below write is text made once: the text Redis gave (counts, generation, ARGV),
-- or an integer formatted with %d. A number handed to redis.call or joined with `..` is printed as
-- a float by the C library, which cost more than any command of this script.
local t = {
  allocated = counts[1], sold = counts[4], generation = config[3] or '0',
  available = fmt('%d', c.available), held = fmt('%d', c.held), version = fmt('%d', c.version),
}
local beforeText = counts[2]
if reclaimed > 0 then
  t.allocated = fmt('%d', c.allocated)
  beforeText = fmt('%d', before)
end
local qtyText = ARGV[2]
local expiresAtText = fmt('%d', expiresAt)
rcall('HSET', k.data, holdId, encodeHold(qtyText, shopperId, expiresAtText))
rcall('ZADD', k.expiry, expiresAtText, holdId)
rcall('ZADD', k.shoppers, '0', shopperMember(shopperId, holdId, qtyText, expiresAtText))
-- `due` is written only when it moved: a new hold usually expires after the earliest one.
local dueText
if not due or expiresAt < due then
  due = expiresAt
  dueText = expiresAtText
elseif scanned then
  dueText = fmt('%d', due)
end
if reclaimed > 0 then
  -- Expired holds may have paid `short` off (allocated moved): every count is written.
  writeStock(k.stock, c)
  rcall('HSET', k.stock, 'due', dueText)
elseif dueText then
  rcall('HSET', k.stock, 'available', t.available, 'held', t.held, 'version', t.version, 'due', dueText)
else
  rcall('HSET', k.stock, 'available', t.available, 'held', t.held, 'version', t.version)
end
appendLedger(k.ledger, ARGV[7], 'reserve', sku, qtyText, t, beforeText, holdId, nil, shopperId, 'shop',
  fmt('%d', now))

storeText(idemKey, fingerprint, ARGV[5],
  holdId .. '|' .. expiresAtText .. '|' .. t.available .. '|' .. t.version .. '|' .. t.generation)
return { 1, holdId, expiresAt, c.available, c.version, c.generation }
