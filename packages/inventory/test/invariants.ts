import type { InventoryStore } from '@liveshop/inventory';
import type { LedgerEntry, SkuStock } from '@liveshop/protocol';
import type { Redis } from 'ioredis';

/**
 * Checks every SKU of the event: available + held + sold == allocated, nothing negative, held
 * equals the sum of the SKU's hold records, and the per-shopper counters add up to held + sold.
 * Returns the problems found (empty when consistent).
 */
export async function invariantProblems(redis: Redis, store: InventoryStore, eventId: string): Promise<string[]> {
  const problems: string[] = [];
  for (const s of await store.snapshot(eventId)) {
    const counts = [s.allocated, s.available, s.held, s.sold, s.version];
    if (counts.some((n) => !Number.isInteger(n) || n < 0)) problems.push(`${s.sku}: bad counts ${counts.join(',')}`);
    if (s.available + s.held + s.sold !== s.allocated) problems.push(`${s.sku}: ${JSON.stringify(s)} does not add up`);
    const fields = await redis.hgetall(store.keys.holdData(eventId, s.sku));
    const holdIds: string[] = [];
    let owned = 0;
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith('h')) holdIds.push(field);
      else if (field.startsWith(store.keys.buyerField(''))) owned += Number(value);
      else if (field.startsWith('x:') && fields[field.slice(2)] !== undefined) continue;
      else problems.push(`${s.sku}: unexpected hold data field ${field}`);
    }
    const holds = await Promise.all(holdIds.map((holdId) => store.getHold(eventId, holdId)));
    const heldInRecords = holds.reduce((sum, hold) => sum + (hold?.qty ?? 0), 0);
    if (heldInRecords !== s.held) problems.push(`${s.sku}: held ${s.held} but hold records sum to ${heldInRecords}`);
    const expiryIndex = await redis.zcard(store.keys.holdExpiry(eventId, s.sku));
    if (expiryIndex !== holdIds.length)
      problems.push(`${s.sku}: ${holdIds.length} holds, ${expiryIndex} in expiry index`);
    if (owned !== s.held + s.sold)
      problems.push(`${s.sku}: shopper counters ${owned} != held + sold ${s.held + s.sold}`);
  }
  return problems;
}

type Counts = Omit<SkuStock, 'sku' | 'generation'>;
const zero: Counts = { allocated: 0, available: 0, held: 0, sold: 0, version: 0 };

/**
 * Replays a ledger from the start by applying each entry's movement to the previous counts of
 * its SKU, checking that the entry's recorded counts, availableBefore and version agree.
 * Returns the final counts per SKU and the problems found.
 */
export function replayLedger(entries: LedgerEntry[]): { stock: Map<string, Counts>; problems: string[] } {
  const stock = new Map<string, Counts>();
  const problems: string[] = [];
  for (const e of entries) {
    const prev = stock.get(e.sku) ?? zero;
    const recorded = { allocated: e.allocated, available: e.available, held: e.held, sold: e.sold, version: e.version };
    if (e.type === 'restore') {
      // A restore states the SKU's state under a new generation; it moves no units.
      if (e.available + e.held + e.sold !== e.allocated) problems.push(`${e.id}: restored counts do not add up`);
      stock.set(e.sku, recorded);
      continue;
    }
    const next = { ...prev, version: prev.version + 1 };
    switch (e.type) {
      case 'allocate':
        next.allocated = e.qty;
        next.available = e.qty - prev.held - prev.sold;
        break;
      case 'pos':
        // qty is the POS on-hand; the movement is the new available, allocated following it.
        next.available = e.available;
        next.allocated = e.available + prev.held + prev.sold;
        break;
      case 'reserve':
        next.available -= e.qty;
        next.held += e.qty;
        break;
      case 'release':
      case 'expire': {
        // Units the POS no longer has leave the event (allocated shrinks) instead of coming back.
        const kept = Math.max(0, prev.allocated - e.allocated);
        next.allocated -= kept;
        next.available += e.qty - kept;
        next.held -= e.qty;
        break;
      }
      case 'commit':
        next.held -= e.qty;
        next.sold += e.qty;
        break;
      case 'refund':
        next.sold -= e.qty;
        next.available += e.qty;
        break;
    }
    if (JSON.stringify(recorded) !== JSON.stringify(next)) {
      problems.push(
        `${e.id} ${e.type} ${e.sku}: recorded ${JSON.stringify(recorded)}, replayed ${JSON.stringify(next)}`,
      );
    }
    if (e.availableBefore !== prev.available)
      problems.push(`${e.id}: availableBefore ${e.availableBefore} != ${prev.available}`);
    if (e.qty <= 0 && e.type !== 'allocate' && e.type !== 'pos') problems.push(`${e.id}: qty ${e.qty}`);
    if (Object.values(next).some((n) => n < 0)) problems.push(`${e.id}: negative count after replay`);
    stock.set(e.sku, next);
  }
  return { stock, problems };
}
