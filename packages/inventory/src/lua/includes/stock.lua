--[[
  One SKU's counts hash: allocated, available, held, sold, version, and `short` for an event whose
  stock follows the POS: units held or sold live beyond what the POS has (set by posApply-4).
  Invariant kept by every script: available + held + sold == allocated, all >= 0.
  Units returned from a hold first pay `short` off (allocated shrinks) before any becomes available
  again, so units the counter sold never come back to the live event (see holds.lua returnHold).
  The counts table also carries `generation`, the event's stock generation (the `gen` field of its
  config hash, 0 when absent), which is not stored per SKU: readStock takes it from the config hash
  when given one, a caller that already read the config sets it itself.
]]
-- Counts from an HMGET whose first six fields are the counts and `short` (absent: nil); nil when
-- the SKU has no stock hash. writeStock writes the five counts together, so with `allocated` the
-- others are there too; `+ 0` parses each text once (tonumber() parses it twice).
local function decodeStock(v)
  if not v[1] then
    return nil
  end
  return {
    allocated = v[1] + 0,
    available = v[2] + 0,
    held = v[3] + 0,
    sold = v[4] + 0,
    version = v[5] + 0,
    short = v[6] and v[6] + 0,
  }
end

-- The event's stock generation from its config hash.
local function readGeneration(configKey)
  return tonumber(rcall('HGET', configKey, 'gen')) or 0
end

local function readStock(stockKey, configKey)
  local c = decodeStock(rcall('HMGET', stockKey, 'allocated', 'available', 'held', 'sold', 'version', 'short'))
  if c and configKey then
    c.generation = readGeneration(configKey)
  end
  return c
end

local function writeStock(stockKey, c)
  rcall('HSET', stockKey, 'allocated', c.allocated, 'available', c.available, 'held', c.held, 'sold', c.sold,
    'version', c.version)
  if c.short then
    rcall('HSET', stockKey, 'short', c.short)
  end
end
