--[[
  Reserves units of one SKU for one or more shoppers, in the order given: each reserve is answered
  as if it ran alone, one after the other (the batch is what one event-loop turn of a server
  received for the SKU; see ReserveBatcher). Before the first reserve that gets that far, the
  SKU's due holds go back to stock (a bounded batch, so a dead sweeper never leaks units); then
  each reserve checks status, stock and the per-shopper limit, and creates a hold that expires
  after the event's hold TTL.

  What the reserves share is read and written once per batch: the event's settings (status, TTL,
  generation, limits, drop time and each shopper's ban in one HMGET), the SKU's counts, the clock,
  the idempotency records (one HMGET per bucket read, below), the new holds (one HSET and two ZADDs),
  the idempotency records written (one HSET), the counts at the end, and each shopper's count of
  units held plus bought (the per-shopper limit). What each reserve keeps on its own: its ledger
  entry (XADD).

  Idempotency records live in hashes of the event, one per period of the idempotency TTL (the
  bucket, numbered by the server: epoch ms / TTL ms), field "<shopperId>|<key>" (scoped to the
  shopper, so a key can never return another shopper's hold), value "<fingerprint>\n<result>".
  A reserve looks in the current bucket, the one before and the one after (another process's clock
  may be ahead around a bucket's end), and writes to the current one, which
  expires at the end of the bucket after next: a record replays for at least one TTL and at most
  two. One hash per period instead of a key per record: the fields of a batch are written in one
  call, and a field costs Redis less than a key with its own expiry.

  A shopper banned from the event (`ban:<shopperId>` in the config hash) is refused, and so is a
  reserve of a drop's SKU before it goes on sale (`onsale:<sku>`, epoch ms by Redis's clock).

  Ten keys whatever the batch; the number of arguments varies: 4 + 4 per reserve.

  Input:
    KEYS[1]  event config hash (status, ttlMs, gen, maxQty, the SKU's `limit:<sku>` and
             `onsale:<sku>`, each shopper's `ban:<shopperId>`)
    KEYS[2]  SKU stock hash (and `due`: no hold of the SKU expires before it)
    KEYS[3]  SKU hold expiry zset
    KEYS[4]  SKU hold data hash (holds, and b:<shopper> -> units held + bought)
    KEYS[5]  event shopper-holds zset
    KEYS[6]  SKU expired-hold tombstones zset
    KEYS[7]  event ledger stream
    KEYS[8]  this period's reserve idempotency hash
    KEYS[9]  the previous period's
    KEYS[10] the next period's (written by a process whose clock is ahead, around a period's end)

    ARGV[1]  sku
    ARGV[2]  when this period's idempotency hash expires (epoch seconds, for EXPIREAT)
    ARGV[3]  most due holds to reclaim first
    ARGV[4]  ledger max length (0 = untrimmed)
    then per reserve i (at = 4 + 4 * (i - 1)):
    ARGV[at + 1]  qty   ARGV[at + 2]  shopperId   ARGV[at + 3]  hold id nonce (lowercase hex)
    ARGV[at + 4]  idempotency key

  Output: one reply per reserve, in order, each the hold as text (the idempotency record's result,
  so a replay answers the stored text as it is)
    "<holdId>|<expiresAtMs>|<available>|<version>|<generation>"
  or one of the errors
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

local sku = ARGV[1]
local idemNow, idemBefore, idemAfter = KEYS[8], KEYS[9], KEYS[10]
local maxLenText = ARGV[4]
-- `+ 0` parses a text once (tonumber() parses it twice); optional fields go through `x and x + 0`.
local maxLen = maxLenText + 0
local n = (#ARGV - 4) / 4

--@include "now"
--@include "idempotency"
--@include "holds"
--@include "base36"
--@include "limits"

-- The SKU's per-shopper limit, its drop time and every shopper's ban ride along with the event's
-- settings: one call.
local fields = { 'status', 'ttlMs', 'gen', 'maxQty', LIMIT_FIELD .. sku, 'onsale:' .. sku }
local buyerFields = {}
for i = 1, n do
  local shopperId = ARGV[4 + 4 * (i - 1) + 2]
  fields[6 + i] = 'ban:' .. shopperId
  buyerFields[i] = BUYER_FIELD .. shopperId
end
local config = rcall('HMGET', configKey, unpack(fields))
local status = config[1]
local maxQty = tonumber(config[4])
local limit = config[5] and config[5] + 0 or 0
local onSale = tonumber(config[6])
local generationText = config[3] or '0'
-- The counts, and `due` (see expireEarliestHolds in holds.lua): no hold of the SKU expires before it.
local counts = rcall('HMGET', k.stock, 'allocated', 'available', 'held', 'sold', 'version', 'short', 'due')
local c = decodeStock(counts)
if c then
  c.generation = generationText + 0
end
local idemFields = {}
for i = 1, n do
  local at = 4 + 4 * (i - 1)
  idemFields[i] = ARGV[at + 2] .. '|' .. ARGV[at + 4]
end
local stored = rcall('HMGET', idemNow, unpack(idemFields))
local storedBefore = rcall('HMGET', idemBefore, unpack(idemFields))
local storedAfter = rcall('HMGET', idemAfter, unpack(idemFields))
-- Records written by this batch, so a key repeated within it replays like one stored before; and
-- the HSET arguments that write them.
local written = {}
local records = {}

local now, nowText
local due = counts[7] and counts[7] + 0
local reclaimed, scanned, checkedDue = 0, false, false
local created = 0
-- shopperId -> units held plus bought (the per-shopper limit), once read; `changed` lists the
-- shoppers whose count grew (and marks them).
local owned
local changed = {}
local holds, expiries, members = {}, {}, {}
-- Text written out: the text Redis gave (counts, generation, ARGV) or an integer formatted with %d
-- once. A number handed to redis.call or joined with `..` is printed as a float by the C library,
-- which costs more than any command of this script.
local allocatedText, availableText, soldText = counts[1], counts[2], counts[4]
local expiresAt, expiresAtText

local replies = {}
for i = 1, n do
  local at = 4 + 4 * (i - 1)
  local qtyText, shopperId, nonce = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local qty = qtyText + 0
  local idemField = idemFields[i]
  local fingerprint = sku .. '|' .. qtyText .. '|' .. shopperId
  local prior = written[idemField] or stored[i] or storedBefore[i] or storedAfter[i]
  local reply
  if prior then
    local sep = string.find(prior, '\n', 1, true)
    if string.sub(prior, 1, sep - 1) ~= fingerprint then
      reply = CONFLICT
    else
      reply = string.sub(prior, sep + 1)
    end
  elseif not status then
    reply = { -1 }
  elseif status ~= 'live' then
    reply = { -3, status }
  elseif config[6 + i] then
    reply = { -15 }
  elseif maxQty and qty > maxQty then
    reply = { -11, maxQty }
  elseif not c then
    reply = { -2 }
  else
    if not now then
      now = nowMs()
      nowText = fmt('%d', now)
      expiresAt = now + config[2]
      expiresAtText = fmt('%d', expiresAt)
    end
    if onSale and now < onSale then
      reply = { -16, onSale }
    else
      -- Due holds go back first, read only when one may be due, once per batch. The reclaimed counts
      -- stay in `c` and are written at the end.
      if not checkedDue then
        checkedDue = true
        if not due or due <= now then
          reclaimed, due = expireEarliestHolds(k, sku, now, tonumber(ARGV[3]), c, 'system', maxLen)
          scanned = true
          if reclaimed > 0 then
            allocatedText = fmt('%d', c.allocated)
            availableText = fmt('%d', c.available)
          end
        end
      end
      local mine
      if c.available < qty then
        reply = { -4, c.available }
      else
        if not owned then
          -- Each shopper's units held plus bought, read once (after the reclaim, which gives units
          -- back) and written once at the end with the new holds.
          owned = {}
          local counts = rcall('HMGET', k.data, unpack(buyerFields))
          for j = 1, n do
            owned[ARGV[4 + 4 * (j - 1) + 2]] = counts[j] and counts[j] + 0 or 0
          end
        end
        mine = owned[shopperId]
        if limit > 0 and mine + qty > limit then
          reply = { -5, limit, mine }
        end
      end
      if not reply then
        local beforeText = availableText
        c.available = c.available - qty
        c.held = c.held + qty
        c.version = c.version + 1
        local holdId = 'h' .. toBase36(c.version) .. nonce .. '~' .. sku
        local t = {
          allocated = allocatedText, sold = soldText, generation = generationText,
          available = fmt('%d', c.available), held = fmt('%d', c.held), version = fmt('%d', c.version),
        }
        availableText = t.available
        if not changed[shopperId] then
          changed[#changed + 1] = shopperId
          changed[shopperId] = true
        end
        owned[shopperId] = mine + qty
        created = created + 1
        holds[2 * created - 1] = holdId
        holds[2 * created] = encodeHold(qtyText, shopperId, expiresAtText)
        expiries[2 * created - 1] = expiresAtText
        expiries[2 * created] = holdId
        members[2 * created - 1] = '0'
        members[2 * created] = shopperMember(shopperId, holdId, qtyText, expiresAtText)
        appendLedger(k.ledger, maxLenText, 'reserve', sku, qtyText, t, beforeText, holdId, nil, shopperId, 'shop',
          nowText)
        local result = holdId .. '|' .. expiresAtText .. '|' .. t.available .. '|' .. t.version .. '|' ..
          generationText
        local text = fingerprint .. '\n' .. result
        written[idemField] = text
        records[#records + 1] = idemField
        records[#records + 1] = text
        reply = result
      end
    end
  end
  replies[i] = reply
end

-- A batch that reserved nothing still keeps what the read learnt (counts of expired holds, the
-- next expiry).
if created > 0 then
  rcall('HSET', idemNow, unpack(records))
  rcall('EXPIREAT', idemNow, ARGV[2])
  for _, shopperId in ipairs(changed) do
    holds[#holds + 1] = BUYER_FIELD .. shopperId
    holds[#holds + 1] = fmt('%d', owned[shopperId])
  end
  rcall('HSET', k.data, unpack(holds))
  rcall('ZADD', k.expiry, unpack(expiries))
  rcall('ZADD', k.shoppers, unpack(members))
end
-- `due` is written only when it moved: a new hold usually expires after the earliest one.
local dueText
if created > 0 and (not due or expiresAt < due) then
  due = expiresAt
  dueText = expiresAtText
elseif scanned and due then
  dueText = fmt('%d', due)
end
if reclaimed > 0 then
  -- Expired holds may have paid `short` off (allocated moved): every count is written.
  writeStock(k.stock, c)
elseif created > 0 and dueText then
  rcall('HSET', k.stock, 'available', fmt('%d', c.available), 'held', fmt('%d', c.held), 'version',
    fmt('%d', c.version), 'due', dueText)
  dueText = nil
elseif created > 0 then
  rcall('HSET', k.stock, 'available', fmt('%d', c.available), 'held', fmt('%d', c.held), 'version',
    fmt('%d', c.version))
end
if dueText then
  rcall('HSET', k.stock, 'due', dueText)
elseif scanned and not due then
  rcall('HDEL', k.stock, 'due')
end
return replies
