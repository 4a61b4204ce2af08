import { randomUUID } from 'node:crypto';
import { hmacSha256 } from '../inbound/signature.js';
import type { SignedWebhook } from './signed-webhook.js';

export interface SquareSigningOptions {
  signatureKey: string;
  /** The notification URL exactly as the receiving server is configured with it. */
  notificationUrl: string;
  body: string;
}

/** Signs a body the way Square does: base64 HMAC-SHA256 of the notification URL + body. */
export function signSquareWebhook(options: SquareSigningOptions): SignedWebhook {
  return {
    body: options.body,
    headers: {
      'content-type': 'application/json',
      'x-square-hmacsha256-signature': hmacSha256(options.signatureKey, options.notificationUrl, options.body).toString(
        'base64',
      ),
    },
  };
}

export interface SquareCount {
  catalogObjectId: string;
  locationId: string;
  /** Written as Square's decimal string. */
  quantity: number | string;
  state?: string;
  calculatedAt?: Date;
}

/** An `inventory.count.updated` notification body in Square's shape. */
export function squareInventoryCountBody(options: {
  counts: SquareCount[];
  eventId?: string;
  merchantId?: string;
}): string {
  const now = new Date();
  return JSON.stringify({
    merchant_id: options.merchantId ?? 'LIVESHOPDEMO',
    type: 'inventory.count.updated',
    event_id: options.eventId ?? randomUUID(),
    created_at: now.toISOString(),
    data: {
      type: 'inventory',
      id: randomUUID(),
      object: {
        inventory_counts: options.counts.map((count) => ({
          calculated_at: (count.calculatedAt ?? now).toISOString(),
          catalog_object_id: count.catalogObjectId,
          catalog_object_type: 'ITEM_VARIATION',
          location_id: count.locationId,
          quantity: String(count.quantity),
          state: count.state ?? 'IN_STOCK',
        })),
      },
    },
  });
}
