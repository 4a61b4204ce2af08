import { z } from 'zod';
import {
  eventIdSchema,
  holdIdSchema,
  idempotencyKeySchema,
  locationIdSchema,
  orderIdSchema,
  qtySchema,
  shopperIdSchema,
  skuSchema,
  unitsSchema,
} from './ids.js';

/** Counts of one SKU in one event. Invariant: available + held + sold == allocated, all >= 0. */
export interface SkuStock {
  sku: string;
  allocated: number;
  available: number;
  held: number;
  sold: number;
  /** Bumped by every change to this SKU; clients apply an update only when it is newer (see `generation`). */
  version: number;
  /**
   * The event's stock generation: it grows when the event's stock was restored after Redis lost it,
   * and versions then start again. Compare (generation, version): a higher generation wins whatever
   * the versions; within one generation, the higher version.
   */
  generation: number;
}

export interface Hold {
  id: string;
  eventId: string;
  sku: string;
  qty: number;
  shopperId: string;
  /** Epoch milliseconds (Redis clock). */
  expiresAt: number;
}

/**
 * `restore`: the SKU's state as restored after Redis lost the event (one per SKU, with the new
 * generation). `refund`: refunded units of an order put back on sale (carries the order id).
 */
export const LEDGER_TYPES = ['allocate', 'reserve', 'release', 'expire', 'commit', 'pos', 'restore', 'refund'] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];

/** Who caused a stock movement. */
export const LEDGER_SOURCES = [
  'shop',
  'admin',
  'host',
  'sweeper',
  'pos',
  'checkout',
  'system',
  'reconciler',
  'external',
] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

/**
 * One entry of an event's ledger stream. Every stock movement appends exactly one per SKU it
 * changes, in the same script, so the ledger replayed from the start reproduces the counts.
 */
export interface LedgerEntry {
  /** Stream id (`<ms>-<seq>`). */
  id: string;
  type: LedgerType;
  sku: string;
  /** Units moved (for `allocate`: the new allocation; for `pos`: the POS on-hand the event counts, summed over its locations). */
  qty: number;
  /** Counts after the change. */
  allocated: number;
  available: number;
  held: number;
  sold: number;
  /** `available` before the change. */
  availableBefore: number;
  version: number;
  /** The event's stock generation when the entry was written (see {@link SkuStock.generation}). */
  generation: number;
  holdId?: string;
  orderId?: string;
  shopperId?: string;
  source: LedgerSource;
  /** Epoch milliseconds (Redis clock). */
  at: number;
}

export const allocateInput = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  units: unitsSchema,
  idempotencyKey: idempotencyKeySchema.optional(),
  source: z.enum(LEDGER_SOURCES).optional(),
});
export type AllocateInput = z.infer<typeof allocateInput>;

export const reserveInput = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  qty: qtySchema,
  shopperId: shopperIdSchema,
  idempotencyKey: idempotencyKeySchema,
});
export type ReserveInput = z.infer<typeof reserveInput>;

export const releaseInput = z.strictObject({
  eventId: eventIdSchema,
  holdId: holdIdSchema,
  idempotencyKey: idempotencyKeySchema,
  /** When given, only this shopper's hold may be released. */
  shopperId: shopperIdSchema.optional(),
});
export type ReleaseInput = z.infer<typeof releaseInput>;

export const commitInput = z.strictObject({
  eventId: eventIdSchema,
  holdIds: z.array(holdIdSchema).min(1, 'holdIds is empty').max(50, 'at most 50 holds per commit'),
  orderId: orderIdSchema,
  idempotencyKey: idempotencyKeySchema,
  /** When given, every hold must be this shopper's (another's is `HOLD_NOT_FOUND`). */
  shopperId: shopperIdSchema.optional(),
  /** Pickup: every unit must come from this location (`NOT_AVAILABLE_AT_LOCATION` otherwise). */
  pickupLocationId: locationIdSchema.optional(),
  /** Shipping: the locations to draw from after the unlocated pool, in order. */
  shipFrom: z.array(locationIdSchema).max(200).optional(),
  source: z.enum(LEDGER_SOURCES).optional(),
});
export type CommitInput = z.infer<typeof commitInput>;

/** Units a commit drew from one location (`''`: the unlocated pool). */
export interface LocationDraw {
  locationId: string;
  qty: number;
}

export interface ReserveResult {
  hold: Hold;
  available: number;
  version: number;
  generation: number;
}
export interface ReleaseResult {
  holdId: string;
  sku: string;
  qty: number;
  available: number;
  version: number;
  generation: number;
}
export interface CommitResult {
  orderId: string;
  items: {
    holdId: string;
    sku: string;
    qty: number;
    available: number;
    version: number;
    generation: number;
    /** Where the units came from; empty when the SKU has no located stock. */
    draws: LocationDraw[];
  }[];
}
export interface ExpireResult {
  expired: number;
  /** True when more due holds remain than the batch took. */
  more: boolean;
}
