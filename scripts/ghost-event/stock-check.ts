/**
 * The oversell check of one SKU, from what the server said before and after the burst
 * (`GET /api/events/:id`) and the holds it acknowledged to the shoppers:
 *
 * - `units`: available just before the burst;
 * - `granted`: units in acknowledged holds;
 * - `oversell` = granted + max(final available, 0) − units, when above 0 (units promised to
 *   shoppers plus units still offered, beyond what there was), plus any negative final available;
 * - `unaccounted` = units − granted − final available: units that left stock without a hold
 *   acknowledged here (a reserve whose ack timed out, or another shopper on a shared event). On a
 *   throw-away event with no timeouts it must be 0;
 * - where the snapshot carries `held` and `sold`, their growth must not exceed `units` either.
 */
import type { SnapshotProduct } from './server-api.js';

export interface SkuStockCheck {
  sku: string;
  units: number;
  holds: number;
  granted: number;
  finalAvailable: number;
  expectedAvailable: number;
  unaccounted: number;
  /** held + sold after − before, where the server reports them. */
  committedGrowth?: number;
  oversell: number;
}

export function checkSkuStock(
  sku: string,
  before: SnapshotProduct | undefined,
  after: SnapshotProduct | undefined,
  grants: { qty: number }[],
): SkuStockCheck {
  if (!before || !after) throw new Error(`the server's snapshot no longer lists ${sku}`);
  const units = before.available;
  const granted = grants.reduce((sum, grant) => sum + grant.qty, 0);
  const finalAvailable = after.available;
  let oversell = Math.max(0, granted + Math.max(0, finalAvailable) - units) + Math.max(0, -finalAvailable);
  const check: SkuStockCheck = {
    sku,
    units,
    holds: grants.length,
    granted,
    finalAvailable,
    expectedAvailable: units - granted,
    unaccounted: units - granted - finalAvailable,
    oversell: 0,
  };
  const committed = (product: SnapshotProduct) =>
    typeof product.held === 'number' && typeof product.sold === 'number' ? product.held + product.sold : undefined;
  const [committedBefore, committedAfter] = [committed(before), committed(after)];
  if (committedBefore !== undefined && committedAfter !== undefined) {
    check.committedGrowth = committedAfter - committedBefore;
    oversell = Math.max(oversell, check.committedGrowth - units);
  }
  check.oversell = oversell;
  return check;
}
