import type { LedgerEntry, LedgerSource, LedgerType } from '@liveshop/protocol';

/**
 * Decodes one ledger stream entry. The scripts write short field names (see
 * `lua/includes/ledger.lua`): t type, s sku, q qty, al/av/hd/sd counts after, ab available
 * before, v version, hid hold id, oid order id, sh shopper id, src source, at epoch ms.
 *
 * @param id the stream id (`<ms>-<seq>`)
 * @param fields the flat `[name, value, name, value, ...]` list XRANGE/XREADGROUP return
 */
export function parseLedgerFields(id: string, fields: string[]): LedgerEntry {
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

/** Stream replies as ioredis returns them: `[id, [field, value, ...]][]`. */
export type StreamEntries = [id: string, fields: string[]][];

export function parseStreamEntries(entries: StreamEntries): LedgerEntry[] {
  return entries.map(([id, fields]) => parseLedgerFields(id, fields));
}
