--[[
  Appends one entry to the event's ledger stream. Field names are short on purpose (the stream
  holds one entry per movement); packages/inventory/src/ledger/fields.ts is their one decoder.
    t type, s sku, q qty, al/av/hd/sd counts after, ab available before, v version,
    hid hold id, oid order id, sh shopper id, src source, at epoch ms.
  maxLen > 0 trims the stream approximately to that many entries.
]]
local function appendLedger(ledgerKey, maxLen, kind, sku, qty, c, availableBefore, holdId, orderId, shopperId,
                            source, now)
  local f = { 't', kind, 's', sku, 'q', qty, 'al', c.allocated, 'av', c.available, 'hd', c.held, 'sd', c.sold,
    'ab', availableBefore, 'v', c.version }
  if holdId then
    f[#f + 1] = 'hid'
    f[#f + 1] = holdId
  end
  if orderId then
    f[#f + 1] = 'oid'
    f[#f + 1] = orderId
  end
  if shopperId then
    f[#f + 1] = 'sh'
    f[#f + 1] = shopperId
  end
  f[#f + 1] = 'src'
  f[#f + 1] = source
  f[#f + 1] = 'at'
  f[#f + 1] = now
  if maxLen > 0 then
    rcall('XADD', ledgerKey, 'MAXLEN', '~', maxLen, '*', unpack(f))
  else
    rcall('XADD', ledgerKey, '*', unpack(f))
  end
end
