--[[
  Restores an event that Redis lost, wholly or in part, from what the durable store keeps: writes
  the config when it is missing, and every SKU whose stock hash is missing with its allocation
  (held 0: holds are not durable; sold from durable orders), its split over locations (each
  location's allocation and units sold from it) and each buyer's units bought, which the
  per-shopper limit counts, under a new stock generation. Every
  SKU of the event, restored or not, then gets a ledger entry of type `restore` carrying the new
  generation, so watchers take the restored state over whatever versions they hold.

  It is a check and a write in one step, which is what makes concurrent restores safe: a restore
  runs only when something is missing and its generation is newer than the one Redis has, so when
  several processes restore at once the first one does the work and the others find nothing to do
  (or a newer generation) and change nothing. Stock that exists is never written, so units held or
  sold since are never counted twice.

  Input:
    KEYS[1]       event config hash
    KEYS[2]       event SKU set
    KEYS[3]       event ledger stream
    KEYS[3 + i]   stock hash of the i-th SKU in ARGV
    KEYS[3 + n + i]  locations hash of the i-th SKU (n SKUs)
    KEYS[3 + 2n + i] hold data hash of the i-th SKU (its `b:<shopperId>` fields count units held
                     plus bought per shopper, see includes/holds.lua)

    ARGV[1]       generation (newer than any before it; the caller draws it from a durable sequence)
    ARGV[2]       status     ARGV[3] hold TTL in ms     ARGV[4] most units per reserve
                  (these three, and the limits, written only with a missing config)
    ARGV[5]       ledger max length (0 = untrimmed)
    ARGV[5 + 6(i-1) + f], f = 1..6, for the i-th SKU:
                  1 the SKU   2 its allocation   3 units sold   4 per-shopper limit (0 = none)
                  5 its locations: "<locationId> <allocated> <sold>" triples, space-separated ('' for none)
                  6 its buyers: "<shopperId> <units bought>" pairs, space-separated ('' for none)

  Output:
    {1, skus restored} when it restored anything (0 SKUs: only the config was missing),
    {0} when nothing was missing or Redis already has this generation or a newer one
]]
local rcall = redis.call
local configKey = KEYS[1]
local skusKey = KEYS[2]
local ledgerKey = KEYS[3]
local generation = tonumber(ARGV[1])
local maxLen = tonumber(ARGV[5])
local skuCount = (#KEYS - 3) / 3

--@include "now"
--@include "ledger"
--@include "stock"
--@include "limits"
--@include "holds"

local function arg(i, field)
  return ARGV[5 + 6 * (i - 1) + field]
end

local config = rcall('HMGET', configKey, 'status', 'gen')
local configured = config[1] ~= false
if configured and (tonumber(config[2]) or 0) >= generation then
  return { 0 }
end

local missing = {}
for i = 1, skuCount do
  if rcall('HEXISTS', KEYS[3 + i], 'allocated') == 0 then
    missing[#missing + 1] = i
  end
end
if configured and #missing == 0 then
  return { 0 }
end

if not configured then
  rcall('HSET', configKey, 'status', ARGV[2], 'ttlMs', ARGV[3], 'maxQty', ARGV[4])
  for i = 1, skuCount do
    setLimit(configKey, arg(i, 1), tonumber(arg(i, 4)))
  end
end
rcall('HSET', configKey, 'gen', generation)

for _, i in ipairs(missing) do
  local sold = tonumber(arg(i, 3))
  -- Never more sold than allocated: an allocation below what orders sold is raised to it.
  local allocated = math.max(tonumber(arg(i, 2)), sold)
  writeStock(KEYS[3 + i], { allocated = allocated, available = allocated - sold, held = 0, sold = sold, version = 1 })
  rcall('SADD', skusKey, arg(i, 1))
  -- The split goes with the pooled counts: a location left from before is not kept.
  local locationsKey = KEYS[3 + skuCount + i]
  rcall('DEL', locationsKey)
  local place = {}
  for word in string.gmatch(arg(i, 5), '%S+') do
    place[#place + 1] = word
    if #place == 3 then
      local soldThere = tonumber(place[3])
      rcall('HSET', locationsKey, 'a:' .. place[1], math.max(tonumber(place[2]), soldThere))
      if soldThere > 0 then
        rcall('HSET', locationsKey, 's:' .. place[1], soldThere)
      end
      place = {}
    end
  end
  -- What each shopper bought stays counted against the per-shopper limit; nothing is held.
  local holdDataKey = KEYS[3 + 2 * skuCount + i]
  local buyer
  for word in string.gmatch(arg(i, 6), '%S+') do
    if buyer then
      rcall('HSET', holdDataKey, BUYER_FIELD .. buyer, word)
      buyer = nil
    else
      buyer = word
    end
  end
end

local now = nowMs()
for i = 1, skuCount do
  local c = readStock(KEYS[3 + i])
  c.generation = generation
  appendLedger(ledgerKey, maxLen, 'restore', arg(i, 1), c.allocated, c, c.available, nil, nil, nil, 'system', now)
end
return { 1, #missing }
