import type { LedgerEntry, LedgerSource, LedgerType } from '@liveshop/protocol';

/**
 * Decodes one ledger stream entry. The scripts write one field `d` packing every value with `|`
 * (see `lua/includes/ledger.lua`): type, sku, qty, allocated, available, held, sold,
 * availableBefore, version, holdId, orderId, shopperId, source, at, generation.
 *
 * @param id the stream id (`<ms>-<seq>`)
 * @param fields the entry's field list as XRANGE/XREADGROUP return it: `['d', packed]`
 */
function parseLedgerFields(id: string, fields: string[]): LedgerEntry {
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
    generation,
  ] = (fields[1] ?? '').split('|');
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
    generation: Number(generation ?? 0),
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
