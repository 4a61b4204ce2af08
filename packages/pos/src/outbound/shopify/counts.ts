import { describeIssues } from '../../inbound/open-delivery.js';
import type { PosCount } from '../../types.js';
import { chunks, countsRequest, type CountsRequest } from '../counts-request.js';
import { syncFailure, type CountsResult } from '../result.js';
import type { GraphqlOutcome } from './graphql.js';
import { numericIdOfGid, shopifyGid } from './ids.js';

const LEVELS = `inventoryLevels(first: 100, after: $after) {
      nodes { location { id } quantities(names: ["available"]) { name quantity } }
      pageInfo { hasNextPage endCursor }
    }`;

export const INVENTORY_COUNTS_QUERY = `query LiveshopInventoryCounts($ids: [ID!]!, $after: String) {
  nodes(ids: $ids) {
    ... on InventoryItem { id tracked ${LEVELS} }
  }
}`;

export const INVENTORY_LEVELS_PAGE_QUERY = `query LiveshopInventoryLevelsPage($id: ID!, $after: String) {
  inventoryItem(id: $id) { id tracked ${LEVELS} }
}`;

/** Items asked for per query (`nodes` takes up to 250 ids; 50 keeps the query cost low). */
const ITEMS_PER_QUERY = 50;

interface LevelsPage {
  nodes?: { location?: { id?: string }; quantities?: { name?: string; quantity?: number }[] }[];
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
}
interface ItemNode {
  id?: string;
  tracked?: boolean;
  inventoryLevels?: LevelsPage;
}

/**
 * The `available` quantity of each item at each of its locations (the number an
 * `inventory_levels/update` webhook carries). Untracked items and unknown ids have no count.
 */
export async function fetchShopifyCounts(
  request: (query: string, variables: Record<string, unknown>) => Promise<GraphqlOutcome>,
  input: CountsRequest,
): Promise<CountsResult> {
  const parsed = countsRequest.safeParse(input);
  if (!parsed.success) return syncFailure('shopify', 'invalid_request', describeIssues(parsed.error));
  const wantedLocations = parsed.data.posLocationIds ? new Set(parsed.data.posLocationIds) : undefined;
  const counts: PosCount[] = [];
  for (const ids of chunks(parsed.data.posItemIds, ITEMS_PER_QUERY)) {
    const outcome = await request(INVENTORY_COUNTS_QUERY, {
      ids: ids.map((id) => shopifyGid('InventoryItem', id)),
      after: null,
    });
    if (!outcome.ok) return outcome;
    const items = outcome.data.nodes;
    if (!Array.isArray(items)) return syncFailure('shopify', 'unexpected_response', 'answer has no nodes');
    for (const item of items as (ItemNode | null)[]) {
      if (!item?.id || item.tracked === false) continue;
      let page = item.inventoryLevels;
      for (;;) {
        collect(counts, item.id, page, wantedLocations);
        if (!page?.pageInfo?.hasNextPage || !page.pageInfo.endCursor) break;
        const next = await request(INVENTORY_LEVELS_PAGE_QUERY, { id: item.id, after: page.pageInfo.endCursor });
        if (!next.ok) return next;
        page = (next.data.inventoryItem as ItemNode | null)?.inventoryLevels;
      }
    }
  }
  return { ok: true, provider: 'shopify', counts };
}

function collect(
  counts: PosCount[],
  itemGid: string,
  page: LevelsPage | undefined,
  wanted: Set<string> | undefined,
): void {
  for (const level of page?.nodes ?? []) {
    const available = level.quantities?.find((quantity) => quantity.name === 'available')?.quantity;
    if (!level.location?.id || typeof available !== 'number') continue;
    const posLocationId = numericIdOfGid(level.location.id);
    if (wanted && !wanted.has(posLocationId)) continue;
    counts.push({ provider: 'shopify', posItemId: numericIdOfGid(itemGid), posLocationId, onHand: available });
  }
}
