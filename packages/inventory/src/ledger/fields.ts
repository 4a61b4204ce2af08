import type { LedgerEntry, LedgerSource, LedgerType } from '@liveshop/protocol';

/**
 * Decodes one ledger stream entry. The scripts write one field `d` packing every value with `|`
 * (see `lua/includes/ledger.lua`): type, sku, qty, allocated, available, held, sold,
 * availableBefore, version, holdId, orderId, shopperId, source, at. Entries written before that
 * format carry one short-named field per value (t type, s sku, q qty, al/av/hd/sd counts after,
 * ab available before, v version, hid hold id, oid order id, sh shopper id, src source, at epoch
 * ms) and are decoded too.
 *
 * @param id the stream id (`<ms>-<seq>`)
 * @param fields the flat `[name, value, name, value, ...]` list XRANGE/XREADGROUP return
 */
export function parseLedgerFields(id: string, fields: string[]): LedgerEntry {
  if (fields.length === 2 && fields[0] === 'd') return parsePacked(id, fields[1] as string);
  const entry: LedgerEntry = {
    id,
    type: 'allocate',
    sku: '',
    qty: 0,
    allocated: 0,
    available: 0,
    held: 0,
    sold: 0,
    availableBefore: 0,
    version: 0,
    source: 'system',
    at: 0,
  };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    switch (fields[i]) {
      case 't':
        entry.type = value as LedgerType;
        break;
      case 's':
        entry.sku = value;
        break;
      case 'q':
        entry.qty = Number(value);
        break;
      case 'al':
        entry.allocated = Number(value);
        break;
      case 'av':
        entry.available = Number(value);
        break;
      case 'hd':
        entry.held = Number(value);
        break;
      case 'sd':
        entry.sold = Number(value);
        break;
      case 'ab':
        entry.availableBefore = Number(value);
        break;
      case 'v':
        entry.version = Number(value);
        break;
      case 'hid':
        entry.holdId = value;
        break;
      case 'oid':
        entry.orderId = value;
        break;
      case 'sh':
        entry.shopperId = value;
        break;
      case 'src':
        entry.source = value as LedgerSource;
        break;
      case 'at':
        entry.at = Number(value);
        break;
    }
  }
  return entry;
}

function parsePacked(id: string, packed: string): LedgerEntry {
  const [
    type,
    sku = '',
    qty,
    allocated,
    available,
    held,
    sold,
    before,
    version,
    holdId,
    orderId,
    shopperId,
    source,
    at,
  ] = packed.split('|');
  const entry: LedgerEntry = {
    id,
    type: type as LedgerType,
    sku,
    qty: Number(qty),
    allocated: Number(allocated),
    available: Number(available),
    held: Number(held),
    sold: Number(sold),
    availableBefore: Number(before),
    version: Number(version),
    source: source as LedgerSource,
    at: Number(at),
  };
  if (holdId) entry.holdId = holdId;
  if (orderId) entry.orderId = orderId;
  if (shopperId) entry.shopperId = shopperId;
  return entry;
}

/** Stream replies as ioredis returns them: `[id, [field, value, ...]][]`. */
export type StreamEntries = [id: string, fields: string[]][];

export function parseStreamEntries(entries: StreamEntries): LedgerEntry[] {
  return entries.map(([id, fields]) => parseLedgerFields(id, fields));
}
