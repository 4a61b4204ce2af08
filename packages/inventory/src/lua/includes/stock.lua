--[[
  One SKU's counts hash: allocated, available, held, sold, version.
  Invariant kept by every script: available + held + sold == allocated, all >= 0.
]]
-- Counts from an HMGET whose first five fields are the counts (a caller may ask for more after
-- them in the same call); nil when the SKU has no stock hash.
local function decodeStock(v)
  if not v[1] then
    return nil
  end
  return {
    allocated = tonumber(v[1]),
    available = tonumber(v[2]),
    held = tonumber(v[3]),
    sold = tonumber(v[4]),
    version = tonumber(v[5]),
  }
end

local function readStock(stockKey)
  return decodeStock(rcall('HMGET', stockKey, 'allocated', 'available', 'held', 'sold', 'version'))
end

local function writeStock(stockKey, c)
  rcall('HSET', stockKey, 'allocated', c.allocated, 'available', c.available, 'held', c.held, 'sold', c.sold,
    'version', c.version)
end
