--[[
  Writes an event's config: status, hold TTL and the most units per reserve in the config hash
  (fields status, ttlMs, maxQty), and, when given, the
  per-shopper limits, which replace all earlier ones. A limit is kept twice: in the event's
  limits hash (what getEventConfig reads) and as the `limit` field of the SKU's stock hash (what
  reserve reads, in the same HMGET as the counts, so a reserve makes one call fewer). A SKU
  without a limit has no `limit` field. A stock hash holding only `limit` (a limit set before the
  SKU's first allocation) is not a SKU yet: every script requires `allocated`.

  Input:
    KEYS[1]       event config hash
    KEYS[2]       event limits hash
    KEYS[2 + i]   stock hash of the i-th SKU in ARGV (every SKU limited before or after this call)

    ARGV[1]       status, '' = unchanged
    ARGV[2]       hold TTL in ms, '' = unchanged
    ARGV[3]       most units one reserve may take, '' = unchanged
    ARGV[4]       '1' when limits are given, '0' to leave them as they are
    ARGV[3 + 2i]  i-th SKU     ARGV[4 + 2i] its new limit (0 = none)

  Output:
    {1}, or {0} when a SKU limited now is missing from KEYS (limits changed since the caller
    read them): nothing was written, the caller reads again and retries.
]]
local rcall = redis.call
local configKey = KEYS[1]
local limitsKey = KEYS[2]

if ARGV[4] == '1' then
  local passed = {}
  for i = 3, #KEYS do
    passed[ARGV[3 + 2 * (i - 2)]] = true
  end
  for _, sku in ipairs(rcall('HKEYS', limitsKey)) do
    if not passed[sku] then
      return { 0 }
    end
  end
end

rcall('HSETNX', configKey, 'status', 'scheduled')
rcall('HSETNX', configKey, 'ttlMs', 300000)
if ARGV[1] ~= '' then
  rcall('HSET', configKey, 'status', ARGV[1])
end
if ARGV[2] ~= '' then
  rcall('HSET', configKey, 'ttlMs', ARGV[2])
end
if ARGV[3] ~= '' then
  rcall('HSET', configKey, 'maxQty', ARGV[3])
end

if ARGV[4] == '1' then
  rcall('DEL', limitsKey)
  for i = 3, #KEYS do
    local sku = ARGV[3 + 2 * (i - 2)]
    local limit = tonumber(ARGV[4 + 2 * (i - 2)])
    if limit > 0 then
      rcall('HSET', limitsKey, sku, limit)
      rcall('HSET', KEYS[i], 'limit', limit)
    else
      rcall('HDEL', KEYS[i], 'limit')
    end
  end
end
return { 1 }
