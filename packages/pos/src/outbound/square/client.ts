import type { PosInventoryClient } from '../inventory-client.js';
import { adjustSquareInventory } from './adjust.js';
import { createSquareApi, type SquareApiConfig } from './api.js';
import { fetchSquareCounts } from './counts.js';

/** Square's Inventory API as a {@link PosInventoryClient}; never throws once constructed. */
export function createSquareInventoryClient(config: SquareApiConfig): PosInventoryClient {
  const api = createSquareApi(config);
  return {
    adjust: (adjustment) => adjustSquareInventory(api, adjustment),
    fetchCounts: (counts) => fetchSquareCounts(api, counts),
  };
}
