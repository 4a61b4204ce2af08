--[[
  An event's per-shopper limits live in its config hash, one field `limit:<sku>` per limited SKU
  (absent: no limit), so reserve reads a SKU's limit in the HMGET of the config it makes anyway.
  packages/inventory/src/event-config.ts reads them back under the same prefix.
]]
local LIMIT_FIELD = 'limit:'

local function clearLimits(configKey)
  for _, field in ipairs(rcall('HKEYS', configKey)) do
    if string.sub(field, 1, #LIMIT_FIELD) == LIMIT_FIELD then
      rcall('HDEL', configKey, field)
    end
  end
end

local function setLimit(configKey, sku, limit)
  if limit > 0 then
    rcall('HSET', configKey, LIMIT_FIELD .. sku, limit)
  end
end
