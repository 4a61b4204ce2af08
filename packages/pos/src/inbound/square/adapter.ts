import { z } from 'zod';
import { rfc3339 } from '../../values/timestamp.js';
import type { BodyLimits } from '../json-body.js';
import { signatureHeader } from '../headers.js';
import { isDeliveryId } from '../delivery-id.js';
import { describeIssues, openDelivery } from '../open-delivery.js';
import { refuse, type WebhookAdapter, type WebhookResult } from '../result.js';
import { secretList, signatureMatches } from '../signature.js';
import { inventoryCountDelivery } from './inventory-count.js';
import { paymentDelivery } from './payment.js';

export interface SquareWebhookConfig extends BodyLimits {
  /** The subscription's signature key (`SQUARE_SIGNATURE_KEY`); a list during a rotation. */
  signatureKey: string | readonly string[];
  /** The exact notification URL Square was given (`SQUARE_WEBHOOK_URL`): it is part of what is signed. */
  notificationUrl: string;
}

const envelope = z.object({
  type: z.string().max(128),
  event_id: z.string().refine(isDeliveryId, '1–128 printable characters'),
  merchant_id: z.string().max(64).nullish(),
  created_at: rfc3339.nullish(),
  data: z.unknown(),
});

/**
 * Verifies and normalises Square webhooks: `x-square-hmacsha256-signature` is the base64
 * HMAC-SHA256 of the notification URL followed by the raw body, under the signature key. Events
 * `inventory.count.updated` (counts) and `payment.created` (sales); the dedupe id is `event_id`.
 */
export function createSquareWebhookAdapter(config: SquareWebhookConfig): WebhookAdapter {
  const keys = secretList('Square signature key', config.signatureKey);
  if (typeof config.notificationUrl !== 'string' || !/^https?:\/\/\S+$/.test(config.notificationUrl)) {
    throw new TypeError('Square notification URL must be the absolute URL Square posts to');
  }
  const url = config.notificationUrl;
  return {
    provider: 'square',
    receive(request): WebhookResult {
      const opened = openDelivery('square', request, config, (rawBody, headers) => {
        const signature = signatureHeader(headers, 'x-square-hmacsha256-signature');
        if ('problem' in signature) return signature.problem;
        return signatureMatches(signature.value, 'base64', keys, [url, rawBody])
          ? undefined
          : 'x-square-hmacsha256-signature does not match the notification URL and body';
      });
      if (!opened.ok) return opened;
      const event = envelope.safeParse(opened.body);
      if (!event.success) return refuse('square', 'malformed', describeIssues(event.error));
      const { type: topic, event_id: deliveryId, merchant_id, created_at, data } = event.data;
      const context = { provider: 'square' as const, topic, deliveryId, account: merchant_id ?? undefined };
      switch (topic) {
        case 'inventory.count.updated':
          return inventoryCountDelivery(data, context, created_at ?? undefined);
        case 'payment.created':
          return paymentDelivery(data, context);
        default:
          return refuse('square', 'ignored_topic', `event type ${topic} is not handled`, { deliveryId, topic });
      }
    },
  };
}
