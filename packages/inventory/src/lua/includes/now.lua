--[[
  Current time in epoch milliseconds from the Redis clock, so every node agrees on expiry.
]]
local function nowMs()
  local t = rcall('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
