import type { BodyLimits } from '../json-body.js';
import { signatureHeader } from '../headers.js';
import { describeIssues, openDelivery } from '../open-delivery.js';
import { refuse, type WebhookAdapter, type WebhookResult } from '../result.js';
import { secretList, signatureMatches } from '../signature.js';
import { customerOf } from '../../values/customer.js';
import { genericBody } from './schema.js';

export interface GenericWebhookConfig extends BodyLimits {
  /** The shared secret (`LIVESHOP_POS_WEBHOOK_SECRET`); a list during a rotation. */
  secret: string | readonly string[];
}

const SIGNATURE_PREFIX = 'sha256=';

/**
 * Verifies and normalises `POST /webhooks/pos`: `X-Liveshop-Signature: sha256=<hex HMAC-SHA256 of
 * the raw body>`. The body carries its own `deliveryId` and `occurredAt`, both signed.
 */
export function createGenericWebhookAdapter(config: GenericWebhookConfig): WebhookAdapter {
  const secrets = secretList('Liveshop POS webhook secret', config.secret);
  return {
    provider: 'generic',
    receive(request): WebhookResult {
      const opened = openDelivery('generic', request, config, (rawBody, headers) => {
        const header = signatureHeader(headers, 'X-Liveshop-Signature');
        if ('problem' in header) return header.problem;
        if (!header.value.startsWith(SIGNATURE_PREFIX)) return 'X-Liveshop-Signature must start with sha256=';
        const hex = header.value.slice(SIGNATURE_PREFIX.length);
        return signatureMatches(hex, 'hex', secrets, [rawBody])
          ? undefined
          : 'X-Liveshop-Signature does not match the body';
      });
      if (!opened.ok) return opened;
      const parsed = genericBody.safeParse(opened.body);
      if (!parsed.success) return refuse('generic', 'malformed', describeIssues(parsed.error));
      const body = parsed.data;
      const { deliveryId, occurredAt } = body;
      if ('updates' in body) {
        const seen = new Set<string>();
        for (const { posItemId, posLocationId } of body.updates) {
          const key = JSON.stringify([posItemId, posLocationId]);
          if (seen.has(key)) {
            return refuse('generic', 'malformed', `item ${posItemId} at ${posLocationId} is counted twice`, {
              deliveryId,
              topic: 'inventory',
            });
          }
          seen.add(key);
        }
        return {
          ok: true,
          kind: 'inventory',
          provider: 'generic',
          topic: 'inventory',
          deliveryId,
          updates: body.updates.map((u) => ({ provider: 'generic', ...u, occurredAt, deliveryId })),
          skipped: [],
        };
      }
      const { orderRef, totalCents, currency, customer, lines } = body.sale;
      return {
        ok: true,
        kind: 'sale',
        provider: 'generic',
        topic: 'sale',
        deliveryId,
        sale: {
          provider: 'generic',
          deliveryId,
          occurredAt,
          orderRef,
          totalCents,
          currency,
          customer: customerOf(customer),
          lines,
          test: false,
        },
      };
    },
  };
}
