--[[
  Current time in epoch milliseconds from the Redis clock, so every node agrees on expiry.
]]
local function nowMs()
  local t = rcall('TIME')
  -- Arithmetic reads a reply's text as a number once; tonumber() would parse it twice.
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
