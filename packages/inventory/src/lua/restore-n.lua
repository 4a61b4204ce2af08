--[[
  Restores an event that Redis lost, wholly or in part, from what the durable store keeps: writes
  the config when it is missing, and every SKU whose stock hash is missing with its allocation
  (held 0: holds are not durable; sold from durable orders), under a new stock generation. Every
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

    ARGV[1]       generation (newer than any before it; the caller draws it from a durable sequence)
    ARGV[2]       status     ARGV[3] hold TTL in ms     ARGV[4] most units per reserve
                  (these three, and the limits, written only with a missing config)
    ARGV[5]       ledger max length (0 = untrimmed)
    ARGV[2 + 4i]  i-th SKU   ARGV[3 + 4i] its allocation   ARGV[4 + 4i] units sold   ARGV[5 + 4i] per-shopper limit (0 = none)

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
local skuCount = #KEYS - 3

--@include "now"
--@include "ledger"
--@include "stock"
--@include "limits"

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
    setLimit(configKey, ARGV[2 + 4 * i], tonumber(ARGV[5 + 4 * i]))
  end
end
rcall('HSET', configKey, 'gen', generation)

for _, i in ipairs(missing) do
  local sold = tonumber(ARGV[4 + 4 * i])
  -- Never more sold than allocated: an allocation below what orders sold is raised to it.
  local allocated = math.max(tonumber(ARGV[3 + 4 * i]), sold)
  writeStock(KEYS[3 + i], { allocated = allocated, available = allocated - sold, held = 0, sold = sold, version = 1 })
  rcall('SADD', skusKey, ARGV[2 + 4 * i])
end

local now = nowMs()
for i = 1, skuCount do
  local c = readStock(KEYS[3 + i])
  c.generation = generation
  appendLedger(ledgerKey, maxLen, 'restore', ARGV[2 + 4 * i], c.allocated, c, c.available, nil, nil, nil, 'system', now)
end
return { 1, #missing }
