--[[
  Applies what a POS says about one SKU of one event and recomputes what the event may sell.
  The event's POS on-hand lives in KEYS[3], one hash per SKU of the event:
    oh:<locationId>  on-hand the POS last reported at that location
    at:<locationId>  occurredAt (epoch ms, from the signed body) of that report
    synced           units sold live that the POS has been told of (the outbox applied them)
    carved           '1' once an exclusive allocation was carved out
  Units sold live and not yet synced are `sold - synced`.

  Operations (ARGV[2]):
    count      sets a location's on-hand, unless a report with a later occurredAt was applied
               there (equal times apply); then recomputes.
    synced     the outbox applied a sale of ARGV[4] units at the location (negative: a restock of
               refunded units, which gives them back): `synced` grows by it and
               the location's on-hand becomes the count the POS answered (ARGV[5], reported at
               ARGV[6]) unless a later report is there; without an answered count the on-hand
               drops by the units. Then recomputes.
    recompute  recomputes only (the mode changed, Redis was restored).

  Recompute, by the mode in the event's config hash (`posMode`):
    shared     available = max(0, sum of on-hand - posBuffer - held - (sold - synced))
    exclusive  the allocation is carved once (posUnits, or posPercent of the on-hand sum, less what
               is held and sold); after that counter sales touch it only when the on-hand sum falls
               below what the event still owes (available + held + unsynced): available is then
               clamped to max(0, on-hand - held - unsynced)
    (absent)   manual: the count is recorded, stock is not touched
  `allocated` follows as available + held + sold; `short` in the stock hash counts the units held
  or sold live beyond the on-hand, which holds returned later pay off instead of being sold again
  (includes/holds.lua). A change appends one `pos` ledger entry whose qty
  is the on-hand sum, so viewers get it through the fan-out. Nothing changes before the first
  count of the SKU.

  Input:
    KEYS[1] event config hash   KEYS[2] SKU stock hash   KEYS[3] SKU POS hash   KEYS[4] event ledger

    ARGV[1] sku
    ARGV[2] operation: count | synced | recompute
    ARGV[3] locationId ('' for recompute)
    ARGV[4] count: on-hand; synced: units
    ARGV[5] count: occurredAt; synced: the on-hand the POS answered, '' when none
    ARGV[6] synced: when that on-hand was true (epoch ms), '' when none
    ARGV[7] ledger max length (0 = untrimmed)

  Output:
    {1, changed, allocated, available, held, sold, version, generation, onHandSum, clamped}
    {2, lastOccurredAt}   stale: a later report of this location was applied, nothing changed
  Errors:
    {-2} unknown SKU
]]
local rcall = redis.call
local configKey = KEYS[1]
local stockKey = KEYS[2]
local posKey = KEYS[3]
local ledgerKey = KEYS[4]

local sku = ARGV[1]
local op = ARGV[2]
local location = ARGV[3]
local maxLen = tonumber(ARGV[7])

--@include "now"
--@include "stock"
--@include "ledger"

local c = readStock(stockKey, configKey)
if not c then
  return { -2 }
end

if op == 'count' then
  local occurredAt = tonumber(ARGV[5])
  local last = tonumber(rcall('HGET', posKey, 'at:' .. location))
  if last and occurredAt < last then
    return { 2, last }
  end
  rcall('HSET', posKey, 'oh:' .. location, ARGV[4], 'at:' .. location, ARGV[5])
elseif op == 'synced' then
  local qty = tonumber(ARGV[4])
  rcall('HINCRBY', posKey, 'synced', qty)
  local last = tonumber(rcall('HGET', posKey, 'at:' .. location))
  if ARGV[5] ~= '' then
    local answeredAt = tonumber(ARGV[6])
    if not last or answeredAt >= last then
      rcall('HSET', posKey, 'oh:' .. location, ARGV[5], 'at:' .. location, ARGV[6])
    end
  elseif last then
    rcall('HINCRBY', posKey, 'oh:' .. location, -qty)
  end
end

local pos = rcall('HGETALL', posKey)
local onHand = 0
local counted = false
local synced = 0
local carved = false
for i = 1, #pos, 2 do
  local field = pos[i]
  if string.sub(field, 1, 3) == 'oh:' then
    onHand = onHand + tonumber(pos[i + 1])
    counted = true
  elseif field == 'synced' then
    synced = tonumber(pos[i + 1])
  elseif field == 'carved' then
    carved = true
  end
end

local config = rcall('HMGET', configKey, 'posMode', 'posBuffer', 'posUnits', 'posPercent')
local mode = config[1]
local unsynced = math.max(0, c.sold - synced)
local target = c.available
local short = c.short
local clamped = 0
if counted and mode == 'shared' then
  local left = onHand - (tonumber(config[2]) or 0) - c.held - unsynced
  target = math.max(0, left)
  short = math.max(0, -left)
elseif counted and mode == 'exclusive' then
  if not carved then
    local desired = nil
    if config[3] then
      desired = tonumber(config[3])
    elseif config[4] then
      desired = math.floor(math.max(0, onHand) * tonumber(config[4]) / 100)
    end
    if desired then
      target = math.max(0, desired - c.held - c.sold)
    end
    rcall('HSET', posKey, 'carved', '1')
  end
  local left = onHand - c.held - unsynced
  if target > math.max(0, left) then
    target = math.max(0, left)
    clamped = 1
  end
  short = math.max(0, -left)
end

local changed = 0
if target ~= c.available or (short or 0) ~= (c.short or 0) then
  local before = c.available
  c.short = short
  c.available = target
  c.allocated = target + c.held + c.sold
  c.version = c.version + 1
  writeStock(stockKey, c)
  appendLedger(ledgerKey, maxLen, 'pos', sku, onHand, c, before, nil, nil, nil, 'pos', nowMs())
  changed = 1
end
return { 1, changed, c.allocated, c.available, c.held, c.sold, c.version, c.generation, onHand, clamped }
