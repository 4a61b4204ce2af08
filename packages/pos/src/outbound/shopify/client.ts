import type { PosInventoryClient } from '../inventory-client.js';
import { adjustShopifyInventory } from './adjust.js';
import { fetchShopifyCounts } from './counts.js';
import { createShopifyGraphql, type ShopifyApiConfig } from './graphql.js';

/** Shopify's GraphQL Admin API as a {@link PosInventoryClient}; never throws once constructed. */
export function createShopifyInventoryClient(config: ShopifyApiConfig): PosInventoryClient {
  const request = createShopifyGraphql(config);
  return {
    adjust: (adjustment) => adjustShopifyInventory(request, adjustment),
    fetchCounts: (counts) => fetchShopifyCounts(request, counts),
  };
}
