--[[
  Bare reference reserve: take qty units of one SKU if enough are left and record a hold that
  expires after a TTL.
  Input:  KEYS[1] stock hash (sku -> available)  KEYS[2] holds zset (holdId scored by expiry ms)
          KEYS[3] hold id counter
          ARGV[1] sku  ARGV[2] qty  ARGV[3] ttl seconds
  Output: {1, holdId, available} or {0, available}
]]
local available = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local qty = tonumber(ARGV[2])
if available < qty then
  return {0, available}
end
available = redis.call('HINCRBY', KEYS[1], ARGV[1], -qty)
local id = 'h' .. redis.call('INCR', KEYS[3]) .. '~' .. ARGV[1]
local now = redis.call('TIME')
local expiresAt = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[3]) * 1000
redis.call('ZADD', KEYS[2], expiresAt, id)
return {1, id, available, expiresAt}
