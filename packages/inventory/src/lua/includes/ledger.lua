--[[
  Appends one entry to the event's ledger stream. The entry is one field, `d`, whose value packs
  every value with `|` (no id, SKU or source may contain one), in this order:
    type|sku|qty|allocated|available|held|sold|availableBefore|version|holdId|orderId|shopperId|source|at|generation
  (counts after the movement, and the event's stock generation, `c.generation`; absent ids empty;
  at in epoch ms). One field instead of fifteen pairs makes XADD several times cheaper;
  packages/inventory/src/ledger/fields.ts is the one decoder. maxLen > 0 trims the stream
  approximately to that many entries. Counts, qty, availableBefore, now and maxLen may be numbers
  or their text (a hot caller passes text it already has, see reserve-n.lua).
]]
local function appendLedger(ledgerKey, maxLen, kind, sku, qty, c, availableBefore, holdId, orderId, shopperId,
                            source, now)
  local d = kind .. '|' .. sku .. '|' .. qty .. '|' .. c.allocated .. '|' .. c.available .. '|' .. c.held .. '|' ..
    c.sold .. '|' .. availableBefore .. '|' .. c.version .. '|' .. (holdId or '') .. '|' .. (orderId or '') .. '|' ..
    (shopperId or '') .. '|' .. source .. '|' .. now .. '|' .. c.generation
  if maxLen ~= 0 and maxLen ~= '0' then
    rcall('XADD', ledgerKey, 'MAXLEN', '~', maxLen, '*', 'd', d)
  else
    rcall('XADD', ledgerKey, '*', 'd', d)
  end
end
