import type { Square } from 'square';
import type { SquareApi } from './api.js';
import { describeIssues } from '../../inbound/open-delivery.js';
import type { PosCount } from '../../types.js';
import { wholeUnitsOfDecimal } from '../../values/quantity.js';
import { adjustmentKey } from '../adjustment-key.js';
import { posAdjustment, type PosAdjustment } from '../adjustment.js';
import { chunks } from '../counts-request.js';
import { syncFailure, type AdjustmentResult } from '../result.js';
import { squareFailure } from './failure.js';

/** Square takes at most 100 changes per `batch-create` call. */
export const MAX_SQUARE_CHANGES = 100;

/**
 * The `ADJUSTMENT` changes of an adjustment: a sale moves units `IN_STOCK` → `SOLD`; a restock
 * brings returned units back `UNLINKED_RETURN` → `IN_STOCK` (the API cannot write the POS-only
 * `RETURNED_BY_CUSTOMER`). Since Square-Version 2026-07-15 an adjustment names its location as
 * `from_location_id`/`to_location_id` (the same location for a change of state).
 */
export function squareChanges(adjustment: PosAdjustment): Square.InventoryChange[] {
  const sale = adjustment.kind === 'sale';
  const occurredAt = new Date(adjustment.occurredAt).toISOString();
  return adjustment.lines.map((line) => ({
    type: 'ADJUSTMENT',
    adjustment: {
      referenceId: adjustment.referenceId,
      fromState: sale ? 'IN_STOCK' : 'UNLINKED_RETURN',
      toState: sale ? 'SOLD' : 'IN_STOCK',
      fromLocationId: line.posLocationId,
      toLocationId: line.posLocationId,
      catalogObjectId: line.posItemId,
      quantity: String(line.qty),
      occurredAt,
    },
  }));
}

/**
 * The idempotency key of each call: the adjustment's own key when it fits one call, else a key
 * derived from it and the call's index, so a retry after a partial failure re-sends every call
 * with the same keys and Square applies each once.
 */
export function squareCallKeys(idempotencyKey: string, calls: number): string[] {
  if (calls === 1) return [idempotencyKey];
  return Array.from({ length: calls }, (_, index) => adjustmentKey(idempotencyKey, 'square-call', index, calls));
}

/** Sends an adjustment through `POST /v2/inventory/changes/batch-create`, 100 changes a call. */
export async function adjustSquareInventory(api: SquareApi, input: PosAdjustment): Promise<AdjustmentResult> {
  const parsed = posAdjustment.safeParse(input);
  if (!parsed.success) return syncFailure('square', 'invalid_request', describeIssues(parsed.error));
  const adjustment = parsed.data as PosAdjustment;
  const calls = chunks(squareChanges(adjustment), MAX_SQUARE_CHANGES);
  const keys = squareCallKeys(adjustment.idempotencyKey, calls.length);
  const after: PosCount[] = [];
  for (const [index, changes] of calls.entries()) {
    const options = api.callOptions();
    try {
      const response = await api.client.inventory.batchCreateChanges(
        { idempotencyKey: keys[index]!, changes },
        options,
      );
      if (response.errors?.length) {
        const codes = response.errors.map((error) => String(error.code));
        return syncFailure(
          'square',
          'rejected',
          response.errors.map((error) => error.detail ?? error.code).join('; '),
          { httpStatus: 200, posErrorCodes: codes },
        );
      }
      after.push(...countsOf(response.counts ?? []));
    } catch (error) {
      const failure = squareFailure(error, options.abortSignal, api.timeoutMs);
      if (index > 0)
        failure.message = `call ${index + 1} of ${calls.length} (the earlier ones applied): ${failure.message}`;
      return failure;
    }
  }
  return { ok: true, provider: 'square', idempotencyKey: adjustment.idempotencyKey, after };
}

/** Square's `IN_STOCK` counts as whole-unit counts. */
export function countsOf(counts: Square.InventoryCount[]): PosCount[] {
  const result: PosCount[] = [];
  for (const count of counts) {
    if (count.state !== 'IN_STOCK' || !count.catalogObjectId || !count.locationId || count.quantity == null) continue;
    const onHand = wholeUnitsOfDecimal(count.quantity);
    if (onHand === undefined) continue;
    result.push({ provider: 'square', posItemId: count.catalogObjectId, posLocationId: count.locationId, onHand });
  }
  return result;
}
