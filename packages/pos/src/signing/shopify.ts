import { randomUUID } from 'node:crypto';
import { hmacSha256 } from '../inbound/signature.js';
import type { SignedWebhook } from './signed-webhook.js';

export interface ShopifySigningOptions {
  secret: string;
  topic: string;
  body: string;
  /** `X-Shopify-Event-Id`; a new UUID when omitted (every delivery of one event shares it). */
  eventId?: string;
  shopDomain?: string;
  triggeredAt?: Date;
}

/** Signs a body the way Shopify does: base64 HMAC-SHA256 of the body bytes with the app secret. */
export function signShopifyWebhook(options: ShopifySigningOptions): SignedWebhook {
  const eventId = options.eventId ?? randomUUID();
  return {
    body: options.body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': options.topic,
      'x-shopify-hmac-sha256': hmacSha256(options.secret, options.body).toString('base64'),
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-shop-domain': options.shopDomain ?? 'liveshop-demo.myshopify.com',
      'x-shopify-triggered-at': (options.triggeredAt ?? new Date()).toISOString(),
      'x-shopify-api-version': '2026-10',
    },
  };
}

export interface ShopifyInventoryLevel {
  /** Numeric ids as digits; written as JSON numbers, as Shopify does, however large. */
  inventoryItemId: string;
  locationId: string;
  available: number | null;
  updatedAt?: Date;
}

/** An `inventory_levels/update` body in Shopify's shape. */
export function shopifyInventoryLevelBody(level: ShopifyInventoryLevel): string {
  for (const id of [level.inventoryItemId, level.locationId]) {
    if (!/^\d{1,20}$/.test(id)) throw new TypeError(`Shopify ids are digits, not "${id}"`);
  }
  const updatedAt = (level.updatedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const gid = `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`;
  return (
    `{"inventory_item_id":${level.inventoryItemId},"location_id":${level.locationId},` +
    `"available":${level.available === null ? 'null' : String(level.available)},` +
    `"updated_at":${JSON.stringify(updatedAt)},"admin_graphql_api_id":${JSON.stringify(gid)}}`
  );
}
