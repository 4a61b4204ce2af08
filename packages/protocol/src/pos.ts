import { z } from 'zod';
import { MAX_QTY, skuSchema, unitsSchema } from './ids.js';

/** The POS systems Liveshop syncs with; `generic` is Liveshop's own signed JSON webhook. */
export const POS_PROVIDERS = ['shopify', 'square', 'generic'] as const;
export type PosProviderName = (typeof POS_PROVIDERS)[number];

/** A POS's own id (Shopify's digits, Square's object ids): 1–128 printable ASCII characters without spaces. */
export const posIdSchema = z
  .string()
  .min(1, 'id is empty')
  .max(128, 'id is longer than 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'id may hold only printable ASCII without spaces');

/** A Liveshop location (a shop, a warehouse) stock is counted at. */
export const stockLocationIdSchema = z
  .string()
  .min(1, 'locationId is empty')
  .max(64, 'locationId is longer than 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'locationId may hold only letters, digits and . _ : -');

const eventLocations = z
  .array(stockLocationIdSchema)
  .min(1, 'locations is empty: leave it out to count every location')
  .max(100, 'at most 100 locations')
  .optional();

/**
 * Where an event's live stock comes from (`POST /api/admin/events` `inventory`):
 * - `manual` (default): the admin sets each SKU's allocation.
 * - `shared`: the POS on-hand summed over `locations` (every mapped location when absent), less
 *   `safetyBuffer`, less units held and sold live that the POS does not know of yet.
 * - `exclusive`: an allocation carved out for the show — `units` per SKU, or `percent` of the
 *   on-hand, or (neither) the allocation the admin sets — which counter sales touch only when the
 *   on-hand falls below what the event still owes (then it is clamped).
 */
export const inventoryModeSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('manual') }),
    z.strictObject({
      mode: z.literal('shared'),
      safetyBuffer: z.number().int().min(0).max(MAX_QTY).default(0),
      locations: eventLocations,
    }),
    z.strictObject({
      mode: z.literal('exclusive'),
      units: unitsSchema.optional(),
      percent: z.number().int('percent must be a whole number').min(1).max(100).optional(),
      locations: eventLocations,
    }),
  ])
  .refine((mode) => mode.mode !== 'exclusive' || mode.units === undefined || mode.percent === undefined, {
    message: 'exclusive takes units or percent, not both',
  });
export type InventoryMode = z.output<typeof inventoryModeSchema>;
/** A mode whose stock follows the POS. */
export type PosInventoryMode = Exclude<InventoryMode, { mode: 'manual' }>;

const provider = z.enum(POS_PROVIDERS);

/** `PUT /api/admin/pos/mappings`: POS items to SKUs and POS locations to Liveshop locations (added or replaced one by one). */
export const posMappingsBody = z.strictObject({
  items: z
    .array(z.strictObject({ provider, posItemId: posIdSchema, sku: skuSchema }))
    .max(10_000, 'at most 10,000 items per request')
    .default([]),
  locations: z
    .array(z.strictObject({ provider, posLocationId: posIdSchema, locationId: stockLocationIdSchema }))
    .max(1_000, 'at most 1,000 locations per request')
    .default([]),
});
export type PosMappingsBody = z.output<typeof posMappingsBody>;

/** One SKU at one location: what the POS last reported and what the event counts. */
export interface PosDriftLine {
  sku: string;
  locationId: string;
  /** The POS's newest count (a webhook, an adjustment's answer or a pull); null when none came. */
  pos: number | null;
  /** The on-hand the event's live stock is computed from; null when the event has none. */
  live: number | null;
  /** pos − live; 0 when either is missing, except in a reconciliation's drift, where no live count counts as 0. */
  drift: number;
}

/**
 * POS drift of an event (`GET /api/admin/pos/drift`, the `/moderator` request `pos:drift`, and the
 * push `pos:drift` after each reconciliation): per SKU and location, and the live counts per SKU.
 */
export interface PosDriftReport {
  eventId: string;
  mode: string;
  lines: PosDriftLine[];
  skus: { sku: string; available: number; held: number; sold: number; unsynced: number }[];
  /** When it was read, epoch ms. */
  at: number;
}
