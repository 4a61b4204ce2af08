export type {
  PosProvider,
  PosInventoryUpdate,
  SkippedCount,
  PosCustomer,
  PosSale,
  PosSaleLine,
  PosCount,
} from './types.js';

export {
  RefusalCode,
  type RawWebhookRequest,
  type WebhookAdapter,
  type WebhookResult,
  type WebhookRefusal,
  type InventoryDelivery,
  type SaleDelivery,
} from './inbound/result.js';
export type { BodyLimits } from './inbound/json-body.js';
export { createShopifyWebhookAdapter, type ShopifyWebhookConfig } from './inbound/shopify/adapter.js';
export { createSquareWebhookAdapter, type SquareWebhookConfig } from './inbound/square/adapter.js';
export { createGenericWebhookAdapter, type GenericWebhookConfig } from './inbound/generic/adapter.js';
export type { GenericBody } from './inbound/generic/schema.js';

export type { PosAdjustment, PosAdjustmentLine } from './outbound/adjustment.js';
export { adjustmentKey } from './outbound/adjustment-key.js';
export type { CountsRequest } from './outbound/counts-request.js';
export type { PosInventoryClient } from './outbound/inventory-client.js';
export {
  SyncErrorCode,
  type SyncFailure,
  type AdjustmentApplied,
  type AdjustmentResult,
  type CountsResult,
} from './outbound/result.js';
export { createShopifyInventoryClient } from './outbound/shopify/client.js';
export type { ShopifyApiConfig } from './outbound/shopify/graphql.js';
export { createSquareInventoryClient } from './outbound/square/client.js';
export type { SquareApiConfig } from './outbound/square/api.js';

export { parseCountsCsv, type ParsedCountsCsv, type CsvLineError } from './reconcile/counts-csv.js';

export type { SignedWebhook } from './signing/signed-webhook.js';
export {
  signShopifyWebhook,
  shopifyInventoryLevelBody,
  type ShopifySigningOptions,
  type ShopifyInventoryLevel,
} from './signing/shopify.js';
export {
  signSquareWebhook,
  squareInventoryCountBody,
  type SquareSigningOptions,
  type SquareCount,
} from './signing/square.js';
export { signGenericWebhook } from './signing/generic.js';

export { normaliseEmail, normalisePhone } from './values/customer.js';
