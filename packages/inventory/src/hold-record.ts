import type { Hold } from '@liveshop/protocol';
import { skuOfHoldId } from './hold-id.js';

/*
 * How the scripts keep a hold (`lua/includes/holds.lua` writes and reads the same two forms):
 * - the SKU's hold data hash maps the hold id to `<qty>|<shopperId>|<expiresAt>`;
 * - the event's shopper-holds zset has the member `<shopperId>|<holdId>|<qty>|<expiresAt>` at
 *   score 0, so one shopper's holds are one ZRANGEBYLEX.
 * Ids, SKUs and shopper ids never contain `|`.
 */

/** A hold from its record in the SKU's hold data hash. */
export function decodeHoldRecord(eventId: string, holdId: string, record: string): Hold {
  const [qty, shopperId = '', expiresAt] = record.split('|');
  return { id: holdId, eventId, sku: skuOfHoldId(holdId), qty: Number(qty), shopperId, expiresAt: Number(expiresAt) };
}

/** A hold from its member of the event's shopper-holds zset. */
export function decodeShopperHold(eventId: string, member: string): Hold {
  const [shopperId = '', id = '', qty, expiresAt] = member.split('|');
  return { id, eventId, sku: skuOfHoldId(id), qty: Number(qty), shopperId, expiresAt: Number(expiresAt) };
}

/** The ZRANGEBYLEX bounds of one shopper's members (`}` sorts right after `|`). */
export function shopperHoldsRange(shopperId: string): [min: string, max: string] {
  return [`[${shopperId}|`, `(${shopperId}}`];
}
