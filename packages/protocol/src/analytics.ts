import { z } from 'zod';
import { skuSchema } from './ids.js';

/** The most items one beacon may carry. */
export const BEACON_MAX_ITEMS = 50;
/** The largest beacon body, in bytes. */
export const BEACON_MAX_BYTES = 8 * 1024;

/** What a viewer did with a product: saw its card (half visible for a second) or clicked it. */
export const BEACON_ITEM_TYPES = ['impression', 'click'] as const;
export type BeaconItemType = (typeof BEACON_ITEM_TYPES)[number];

export const beaconItem = z.strictObject({
  type: z.enum(BEACON_ITEM_TYPES),
  sku: skuSchema,
  /** When it happened, epoch ms on the viewer's clock. */
  at: z.number().int().min(0),
});

/**
 * `POST /api/events/:id/beacons`, sent with `navigator.sendBeacon` as `text/plain` (or as
 * `application/json`): the shopper's session token (a beacon cannot set headers), a batch id the
 * widget draws at random (a replayed batch is refused), the viewer's clock when sending (so the
 * server can place the items on its own clock), and the items.
 */
export const beaconBody = z.strictObject({
  session: z.string().min(1).max(128),
  batch: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/, 'batch must be 8 to 40 letters, digits, _ or -'),
  sentAt: z.number().int().min(0).optional(),
  items: z.array(beaconItem).min(1).max(BEACON_MAX_ITEMS, `at most ${BEACON_MAX_ITEMS} items`),
});

export type BeaconItem = z.infer<typeof beaconItem>;
export type BeaconBody = z.infer<typeof beaconBody>;

/** The answer to an accepted beacon: how many items were recorded. */
export interface BeaconAck {
  accepted: number;
}
