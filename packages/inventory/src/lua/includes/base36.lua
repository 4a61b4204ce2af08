--[[
  Non-negative integer to lowercase base 36 (hold ids are h<base36>~<sku>).
]]
local BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz'

local function toBase36(n)
  if n == 0 then
    return '0'
  end
  local out = ''
  while n > 0 do
    local d = n % 36
    out = string.sub(BASE36, d + 1, d + 1) .. out
    n = math.floor(n / 36)
  end
  return out
end
