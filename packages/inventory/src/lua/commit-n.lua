--[[
  Commits holds to an order, all or nothing: every hold must exist, be unexpired and (when a
  shopper is given) belong to that shopper, and a pickup location must have the units; else
  nothing changes. Each hold moves from held to sold with one ledger entry carrying the order id.
  The shopper's allowance is kept (bought units still count towards the limit).

  The idempotency key is named after the order id (KeyBuilder.commitIdempotency(eventId,
  orderId)): it is also the index the order reconciler reads to learn whether an order's holds
  were committed, without reading the ledger.

  Locations (see includes/locations.lua): a SKU whose locations hash is empty has no located
  stock; a pickup commit of it is refused. Otherwise pickup draws every unit from the pickup
  location, and shipping draws from the unlocated pool first, then the locations in ARGV[8]'s
  order, then any other location. Each hold's draws are returned, for a refund to put back.

  The number of keys varies: 4 + 5 per hold (a SKU's keys repeat when it has several holds).

  Input:
    KEYS[1]   event ledger stream
    KEYS[2]   event shopper-holds zset
    KEYS[3]   idempotency key (named after the order id)
    KEYS[4]   event config hash (its stock generation)
    then per hold i (base = 4 + 5 * (i - 1)):
    KEYS[base + 1] SKU stock hash   KEYS[base + 2] SKU hold expiry zset
    KEYS[base + 3] SKU hold data hash   KEYS[base + 4] SKU expired-hold tombstones zset
    KEYS[base + 5] SKU locations hash

    ARGV[1] orderId
    ARGV[2] fingerprint (order id and sorted hold ids)
    ARGV[3] ledger source
    ARGV[4] idempotency TTL, seconds
    ARGV[5] ledger max length (0 = untrimmed)
    ARGV[6] shopperId every hold must belong to ('' = any: the merchant's own cart)
    ARGV[7] pickup location id ('' = shipping)
    ARGV[8] shipping's location order, ids joined with ','
    then per hold i: ARGV[7 + 2i] holdId, ARGV[8 + 2i] sku

  Output:
    {1, holdId1, qty1, available1, version1, generation1, draws1, holdId2, ...} in the order of
    the first call (a replay may list the same holds in another order); draws are
    "<locationId>=<units>" joined with ',' (an empty id is the unlocated pool; '' without located stock)
  Errors:
    {-6} idempotency conflict
    {-7, holdId} hold not found (also another shopper's hold)   {-8, holdId} hold expired
    {-12, holdId, locationId} the pickup location cannot supply the hold
]]
local rcall = redis.call
local ledgerKey = KEYS[1]
local shoppersKey = KEYS[2]
local idemKey = KEYS[3]
local configKey = KEYS[4]
local orderId = ARGV[1]
local fingerprint = ARGV[2]
local maxLen = tonumber(ARGV[5])
local requester = ARGV[6]
local pickupAt = ARGV[7]
local holdCount = (#ARGV - 8) / 2

--@include "now"
--@include "idempotency"
--@include "holds"
--@include "locations"

local prior = replayResult(idemKey, fingerprint)
if prior then
  return prior
end

local shipOrder = {}
for id in string.gmatch(ARGV[8], '[^,]+') do
  shipOrder[#shipOrder + 1] = id
end

local now = nowMs()
local holds = {}
local stockBySku = {}
for i = 1, holdCount do
  local base = 4 + 5 * (i - 1)
  local k = { stock = KEYS[base + 1], expiry = KEYS[base + 2], data = KEYS[base + 3], expired = KEYS[base + 4],
    locations = KEYS[base + 5], shoppers = shoppersKey }
  local holdId = ARGV[7 + 2 * i]
  local record = rcall('HGET', k.data, holdId)
  if not record then
    if rcall('ZSCORE', k.expired, holdId) then
      return { -8, holdId }
    end
    return { -7, holdId }
  end
  local qty, shopperId, expiresAt = decodeHold(record)
  if requester ~= '' and requester ~= shopperId then
    return { -7, holdId }
  end
  if expiresAt <= now then
    return { -8, holdId }
  end
  local sku = ARGV[8 + 2 * i]
  holds[i] = { k = k, holdId = holdId, sku = sku, qty = qty, shopperId = shopperId, expiresAt = expiresAt }
  if not stockBySku[sku] then
    stockBySku[sku] = { c = readStock(k.stock), places = readLocations(k.locations) }
  end
end

-- Plans every hold's draws on the SKUs' location tables before changing anything.
for i = 1, holdCount do
  local h = holds[i]
  local s = stockBySku[h.sku]
  if pickupAt ~= '' then
    local draws = drawAt(s.places, s.c, pickupAt, h.qty)
    if not draws then
      return { -12, h.holdId, pickupAt }
    end
    h.draws = draws
  else
    h.draws = drawForShipping(s.places, s.c, shipOrder, h.qty)
  end
  s.c.sold = s.c.sold + h.qty
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
  local drawText = writeDraws(h.k.locations, h.draws, 1)
  appendLedger(ledgerKey, maxLen, 'commit', h.sku, h.qty, c, c.available, h.holdId, orderId, h.shopperId, ARGV[3], now)
  result[#result + 1] = h.holdId
  result[#result + 1] = h.qty
  result[#result + 1] = c.available
  result[#result + 1] = c.version
  result[#result + 1] = c.generation
  result[#result + 1] = drawText
end

rememberResult(idemKey, fingerprint, ARGV[4], result)
return result
