--[[
  Per-location stock of one SKU (the POS keeps per-location on-hand against these). The SKU's
  stock hash stays the pooled truth every viewer and reserve sees; the SKU's locations hash says
  where the units are:
    "a:<locationId>"  units of the SKU's allocation at that location
    "s:<locationId>"  of those, units sold (committed from that location, less refunds put back)
  Units not at any location are the unlocated pool: allocated - sum(a), of which sold - sum(s)
  are sold. Holds are pooled: a hold is not tied to a location until its commit draws it from one.
  Invariants: 0 <= s <= a per location; sum(a) <= allocated; sum(s) <= sold.
  A table of places is { ids = {...}, a = {id -> n}, s = {id -> n} }, nil when the hash is empty.
]]
local function readLocations(locationsKey)
  local flat = rcall('HGETALL', locationsKey)
  if #flat == 0 then
    return nil
  end
  local places = { ids = {}, a = {}, s = {} }
  for i = 1, #flat, 2 do
    local kind, id = string.sub(flat[i], 1, 1), string.sub(flat[i], 3)
    if kind == 'a' then
      places.ids[#places.ids + 1] = id
      places.a[id] = tonumber(flat[i + 1])
    else
      places.s[id] = tonumber(flat[i + 1])
    end
  end
  table.sort(places.ids)
  return places
end

local function soldAt(places, id)
  return places.s[id] or 0
end

-- Units of the unlocated pool not sold, given the SKU's counts `c`.
local function poolLeft(places, c)
  local a, s = 0, 0
  for _, id in ipairs(places.ids) do
    a = a + places.a[id]
    s = s + soldAt(places, id)
  end
  return (c.allocated - a) - (c.sold - s)
end

-- Draws `qty` units from one location; nil when it lacks them.
local function drawAt(places, c, id, qty)
  if not places or not places.a[id] or places.a[id] - soldAt(places, id) < qty then
    return nil
  end
  places.s[id] = soldAt(places, id) + qty
  return { { id, qty } }
end

-- Draws `qty` units for shipping: the pool, then `order`, then any other location.
local function drawForShipping(places, c, order, qty)
  local draws = {}
  if not places then
    return draws
  end
  local need = qty
  local fromPool = math.min(need, math.max(0, poolLeft(places, c)))
  if fromPool > 0 then
    draws[#draws + 1] = { '', fromPool }
    need = need - fromPool
  end
  local seen = {}
  local function take(id)
    if need > 0 and places.a[id] and not seen[id] then
      seen[id] = true
      local n = math.min(need, places.a[id] - soldAt(places, id))
      if n > 0 then
        places.s[id] = soldAt(places, id) + n
        draws[#draws + 1] = { id, n }
        need = need - n
      end
    end
  end
  for _, id in ipairs(order) do
    take(id)
  end
  for _, id in ipairs(places.ids) do
    take(id)
  end
  return draws
end

-- Applies draws to the SKU's sold-per-location fields (sign 1: sold, -1: put back); returns the
-- draws as text "<id>=<n>,…".
local function writeDraws(locationsKey, draws, sign)
  local parts = {}
  for _, d in ipairs(draws) do
    if d[1] ~= '' then
      rcall('HINCRBY', locationsKey, 's:' .. d[1], sign * d[2])
    end
    parts[#parts + 1] = d[1] .. '=' .. d[2]
  end
  return table.concat(parts, ',')
end

-- Draws from their text form.
local function parseDraws(text)
  local draws = {}
  for id, n in string.gmatch(text, '([^,=]*)=(%d+)') do
    draws[#draws + 1] = { id, tonumber(n) }
  end
  return draws
end
