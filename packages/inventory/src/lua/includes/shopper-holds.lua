--[[
  One shopper's members of an event's shopper-holds sorted set (`<shopperId>|<holdId>|<qty>|<expiresAt>`,
  all at score 0): one lexicographic range, `}` sorting right after `|`.
]]
local function shopperHoldsOf(key, shopperId)
  return rcall('ZRANGEBYLEX', key, '[' .. shopperId .. '|', '(' .. shopperId .. '}')
end
