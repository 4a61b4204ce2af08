import { z } from 'zod';
import { opaqueId } from '../values/ids.js';
import { MAX_ON_HAND } from '../values/quantity.js';

/**
 * One POS adjustment for a live sale (`sale`: units leave the shop's stock) or a refund that puts
 * units back (`restock`). Provider-neutral: each client maps it to its own API. `idempotencyKey`
 * must derive from the sale (see {@link adjustmentKey}) so every retry, by any process, sends the
 * same key and the POS applies it once.
 */
export interface PosAdjustment {
  idempotencyKey: string;
  kind: 'sale' | 'restock';
  /** The live order this adjustment belongs to; shown in the POS's inventory history. */
  referenceId: string;
  /** When the sale or refund happened, epoch ms (Square orders its changes by it). */
  occurredAt: number;
  lines: PosAdjustmentLine[];
}

export interface PosAdjustmentLine {
  posItemId: string;
  posLocationId: string;
  /** Units sold or restocked, > 0. */
  qty: number;
  /**
   * Shopify only: the quantity expected before the change (compare-and-swap). Default `null`: a
   * sale is a delta that must apply whatever the counter sold meanwhile.
   */
  changeFromQuantity?: number | null;
}

export const MAX_ADJUSTMENT_LINES = 1000;

export const posAdjustment = z.strictObject({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, '1–128 letters, digits, . _ : -'),
  kind: z.enum(['sale', 'restock']),
  referenceId: opaqueId,
  occurredAt: z.number().int().min(0).max(8_640_000_000_000_000),
  lines: z
    .array(
      z.strictObject({
        posItemId: opaqueId,
        posLocationId: opaqueId,
        qty: z.number().int().min(1).max(MAX_ON_HAND),
        changeFromQuantity: z.number().int().min(-MAX_ON_HAND).max(MAX_ON_HAND).nullable().optional(),
      }),
    )
    .min(1)
    .max(MAX_ADJUSTMENT_LINES),
});
