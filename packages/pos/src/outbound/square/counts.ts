import { describeIssues } from '../../inbound/open-delivery.js';
import type { PosCount } from '../../types.js';
import { chunks, countsRequest, type CountsRequest } from '../counts-request.js';
import { syncFailure, type CountsResult } from '../result.js';
import { countsOf } from './adjust.js';
import type { SquareApi } from './api.js';
import { squareFailure } from './failure.js';

/** Catalog ids per `batch-retrieve` call (Square accepts up to 1,000). */
const ITEMS_PER_CALL = 500;

/**
 * The `IN_STOCK` count of each item at each location through
 * `POST /v2/inventory/counts/batch-retrieve`, following Square's cursor (the deadline covers one
 * run of up to 500 items with all its pages). An item Square has no count for is absent
 * (unknown), not zero.
 */
export async function fetchSquareCounts(api: SquareApi, input: CountsRequest): Promise<CountsResult> {
  const parsed = countsRequest.safeParse(input);
  if (!parsed.success) return syncFailure('square', 'invalid_request', describeIssues(parsed.error));
  const counts: PosCount[] = [];
  for (const catalogObjectIds of chunks(parsed.data.posItemIds, ITEMS_PER_CALL)) {
    const options = api.callOptions();
    try {
      const locationIds = parsed.data.posLocationIds ? { locationIds: parsed.data.posLocationIds } : {};
      let page = await api.client.inventory.batchGetCounts(
        { catalogObjectIds, ...locationIds, states: ['IN_STOCK'] },
        options,
      );
      counts.push(...countsOf(page.data));
      while (page.hasNextPage()) {
        page = await page.getNextPage();
        counts.push(...countsOf(page.data));
      }
    } catch (error) {
      return squareFailure(error, options.abortSignal, api.timeoutMs);
    }
  }
  return { ok: true, provider: 'square', counts };
}
