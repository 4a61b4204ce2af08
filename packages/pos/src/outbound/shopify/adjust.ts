import { describeIssues } from '../../inbound/open-delivery.js';
import type { PosCount } from '../../types.js';
import { posAdjustment, type PosAdjustment } from '../adjustment.js';
import { syncFailure, type AdjustmentResult } from '../result.js';
import type { GraphqlOutcome } from './graphql.js';
import { numericIdOfGid, shopifyGid } from './ids.js';

/** The mutation as the 2026 API versions require it: an `@idempotent` key on every call. */
export const INVENTORY_ADJUST_MUTATION = `mutation LiveshopInventoryAdjust($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id
      changes(quantityNames: ["available"]) { name delta quantityAfterChange item { id } location { id } }
    }
    userErrors { code field message }
  }
}`;

/** Shopify's limit on changes in one mutation is not documented; this keeps one call modest. */
export const MAX_SHOPIFY_CHANGES = 250;

/** User errors the same call may clear later (Shopify: "Try again"). */
const RETRYABLE_USER_ERRORS = new Set([
  'IDEMPOTENCY_CONCURRENT_REQUEST',
  'SERVICE_UNAVAILABLE',
  'ADJUST_QUANTITIES_FAILED',
]);

interface UserError {
  code?: string | null;
  message?: string;
}
interface AdjustPayload {
  inventoryAdjustmentGroup?: {
    changes?: { quantityAfterChange?: number | null; item?: { id?: string }; location?: { id?: string } }[];
  } | null;
  userErrors?: UserError[];
}

/** The mutation's variables for an adjustment: `available` moves by −qty (sale) or +qty (restock). */
export function inventoryAdjustVariables(adjustment: PosAdjustment): Record<string, unknown> {
  const sign = adjustment.kind === 'sale' ? -1 : 1;
  return {
    idempotencyKey: adjustment.idempotencyKey,
    input: {
      reason: adjustment.kind === 'sale' ? 'correction' : 'restock',
      name: 'available',
      referenceDocumentUri: `gid://liveshop/Order/${encodeURIComponent(adjustment.referenceId)}`,
      changes: adjustment.lines.map((line) => ({
        inventoryItemId: shopifyGid('InventoryItem', line.posItemId),
        locationId: shopifyGid('Location', line.posLocationId),
        delta: sign * line.qty,
        // Required (even as null) since 2026-04; null: apply the delta whatever the count is now.
        changeFromQuantity: line.changeFromQuantity ?? null,
      })),
    },
  };
}

/** Sends one adjustment through `inventoryAdjustQuantities` and classifies the answer. */
export async function adjustShopifyInventory(
  request: (query: string, variables: Record<string, unknown>) => Promise<GraphqlOutcome>,
  input: PosAdjustment,
): Promise<AdjustmentResult> {
  const parsed = posAdjustment.safeParse(input);
  if (!parsed.success) return syncFailure('shopify', 'invalid_request', describeIssues(parsed.error));
  const adjustment = parsed.data as PosAdjustment;
  if (adjustment.lines.length > MAX_SHOPIFY_CHANGES) {
    return syncFailure('shopify', 'invalid_request', `at most ${MAX_SHOPIFY_CHANGES} lines per Shopify adjustment`);
  }
  const outcome = await request(INVENTORY_ADJUST_MUTATION, inventoryAdjustVariables(adjustment));
  if (!outcome.ok) return outcome;
  const payload = outcome.data.inventoryAdjustQuantities as AdjustPayload | null | undefined;
  if (!payload) return syncFailure('shopify', 'unexpected_response', 'answer has no inventoryAdjustQuantities');
  const userErrors = payload.userErrors ?? [];
  if (userErrors.length > 0) return userErrorFailure(userErrors);
  if (!payload.inventoryAdjustmentGroup)
    return syncFailure('shopify', 'unexpected_response', 'no adjustment group and no user errors');
  const after: PosCount[] = [];
  for (const change of payload.inventoryAdjustmentGroup.changes ?? []) {
    if (typeof change.quantityAfterChange !== 'number' || !change.item?.id || !change.location?.id) continue;
    after.push({
      provider: 'shopify',
      posItemId: numericIdOfGid(change.item.id),
      posLocationId: numericIdOfGid(change.location.id),
      onHand: change.quantityAfterChange,
    });
  }
  return { ok: true, provider: 'shopify', idempotencyKey: adjustment.idempotencyKey, after };
}

function userErrorFailure(userErrors: UserError[]): AdjustmentResult {
  const codes = userErrors.map((error) => error.code ?? 'USER_ERROR');
  const message = userErrors.map((error) => error.message ?? error.code ?? 'user error').join('; ');
  const extra = { httpStatus: 200, posErrorCodes: codes };
  if (codes.every((code) => RETRYABLE_USER_ERRORS.has(code)))
    return syncFailure('shopify', 'server_error', message, extra);
  if (codes.includes('IDEMPOTENCY_KEY_PARAMETER_MISMATCH'))
    return syncFailure('shopify', 'idempotency_conflict', message, extra);
  if (codes.includes('CHANGE_FROM_QUANTITY_STALE')) return syncFailure('shopify', 'stale_quantity', message, extra);
  return syncFailure('shopify', 'rejected', message, extra);
}
