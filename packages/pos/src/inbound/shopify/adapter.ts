import type { BodyLimits } from '../json-body.js';
import { readHeader, signatureHeader } from '../headers.js';
import { isDeliveryId } from '../delivery-id.js';
import { openDelivery } from '../open-delivery.js';
import { refuse, type WebhookAdapter, type WebhookResult } from '../result.js';
import { secretList, signatureMatches } from '../signature.js';
import { inventoryLevelDelivery } from './inventory-level.js';
import { orderDelivery } from './order.js';

export interface ShopifyWebhookConfig extends BodyLimits {
  /** The app's client secret (`SHOPIFY_WEBHOOK_SECRET`); a list during a rotation. */
  secret: string | readonly string[];
}

/**
 * Verifies and normalises Shopify webhooks: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of
 * the raw body under the app secret. Topics `inventory_levels/update` (counts) and `orders/create`
 * (POS sales); the dedupe id is `X-Shopify-Event-Id`, else `X-Shopify-Webhook-Id`. Throws only
 * here, at configuration, when the secret is empty.
 */
export function createShopifyWebhookAdapter(config: ShopifyWebhookConfig): WebhookAdapter {
  const secrets = secretList('Shopify webhook secret', config.secret);
  return {
    provider: 'shopify',
    receive(request): WebhookResult {
      const opened = openDelivery('shopify', request, config, (rawBody, headers) => {
        const hmac = signatureHeader(headers, 'X-Shopify-Hmac-Sha256');
        if ('problem' in hmac) return hmac.problem;
        return signatureMatches(hmac.value, 'base64', secrets, [rawBody])
          ? undefined
          : 'X-Shopify-Hmac-Sha256 does not match the body';
      });
      if (!opened.ok) return opened;
      const topic = readHeader(opened.headers, 'x-shopify-topic');
      if (topic.kind !== 'one') return refuse('shopify', 'malformed', 'X-Shopify-Topic must be sent once');
      const eventId = readHeader(opened.headers, 'x-shopify-event-id');
      const id = eventId.kind === 'absent' ? readHeader(opened.headers, 'x-shopify-webhook-id') : eventId;
      if (id.kind !== 'one' || !isDeliveryId(id.value)) {
        return refuse('shopify', 'malformed', 'X-Shopify-Event-Id (or X-Shopify-Webhook-Id) must be sent once', {
          topic: topic.value,
        });
      }
      const shop = readHeader(opened.headers, 'x-shopify-shop-domain');
      const account = shop.kind === 'one' ? shop.value : undefined;
      const context = { provider: 'shopify' as const, topic: topic.value, deliveryId: id.value, account };
      switch (topic.value) {
        case 'inventory_levels/update':
          return inventoryLevelDelivery(opened.body, context);
        case 'orders/create':
          return orderDelivery(opened.body, context);
        default:
          return refuse('shopify', 'ignored_topic', `topic ${topic.value} is not handled`, {
            deliveryId: id.value,
            topic: topic.value,
          });
      }
    },
  };
}
