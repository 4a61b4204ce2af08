/**
 * The event the ghost event fires at: a throw-away `ghost-<random>` created live through the
 * admin API (and ended afterwards), or an existing live event checked for the SKUs to tap.
 */
import { randomBytes } from 'node:crypto';
import type { GhostOptions } from './options.js';
import { ServerApiError, type ServerApi, type Snapshot } from './server-api.js';

export interface DropEvent {
  id: string;
  /** True when this run created it (and so nothing else touches it). */
  created: boolean;
  /** Ends a created event (status `ended`); resolves to whether it did. Safe to call twice. */
  end(): Promise<boolean>;
}

const PRICE_CENTS = 1000;

export async function prepareEvent(api: ServerApi, options: GhostOptions): Promise<DropEvent> {
  if (options.event !== undefined) {
    await checkExistingEvent(api, options.event, options.skus);
    return { id: options.event, created: false, end: async () => false };
  }
  const id = `ghost-${randomBytes(4).toString('hex')}`;
  await api.createEvent({
    id,
    title: `Ghost event ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    holdTtlSeconds: options.holdTtlSeconds,
    maxQtyPerReserve: options.qty,
    products: options.skus.map((sku) => ({
      sku,
      title: `Ghost product ${sku}`,
      priceCents: PRICE_CENTS,
      currency: 'USD',
      // Explicit, so the server's own default limit never decides how many a shopper may hold.
      limitPerShopper: options.limitPerShopper ?? options.qty,
    })),
  });
  let ended = false;
  const end = async () => {
    if (ended || options.keep) return false;
    ended = true;
    await api.setStatus(id, 'ended');
    return true;
  };
  try {
    await api.setStock(
      id,
      options.skus.map((sku) => ({ sku, quantity: options.units ?? 0 })),
    );
    await api.setStatus(id, 'live');
  } catch (error) {
    await end().catch(() => undefined);
    throw error;
  }
  return { id, created: true, end };
}

async function checkExistingEvent(api: ServerApi, eventId: string, skus: string[]): Promise<void> {
  let snapshot: Snapshot;
  try {
    snapshot = await api.snapshot(eventId);
  } catch (error) {
    if (error instanceof ServerApiError && error.code === 'NOT_FOUND') {
      throw new ServerApiError(`event ${eventId} does not exist on ${api.url}`, 'NOT_FOUND', 404);
    }
    throw error;
  }
  if (snapshot.event.status !== 'live') {
    throw new ServerApiError(
      `event ${eventId} is ${snapshot.event.status}, not live: reserves would all answer EVENT_NOT_LIVE. ` +
        'Set it live first (POST /api/admin/events/:id/status {"status":"live"}).',
      'EVENT_NOT_LIVE',
    );
  }
  const known = new Set(snapshot.products.map((product) => product.sku));
  const missing = skus.filter((sku) => !known.has(sku));
  if (missing.length > 0) {
    throw new ServerApiError(
      `event ${eventId} has no product ${missing.join(', ')} (it has ${[...known].join(', ') || 'none'})`,
      'NOT_FOUND',
    );
  }
}
