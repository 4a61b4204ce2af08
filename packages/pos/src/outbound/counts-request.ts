import { z } from 'zod';
import { opaqueId } from '../values/ids.js';

/** Which counts to pull: these items, at these locations (every location when omitted). */
export interface CountsRequest {
  posItemIds: string[];
  posLocationIds?: string[];
}

export const MAX_COUNT_ITEMS = 10_000;

export const countsRequest = z.strictObject({
  posItemIds: z.array(opaqueId).min(1).max(MAX_COUNT_ITEMS),
  posLocationIds: z.array(opaqueId).min(1).max(1000).optional(),
});

/** Splits a list into runs of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += size) runs.push(items.slice(start, start + size));
  return runs;
}
