import { hmacSha256 } from '../inbound/signature.js';
import type { GenericBody } from '../inbound/generic/schema.js';
import type { SignedWebhook } from './signed-webhook.js';

/** Signs a generic webhook body: `X-Liveshop-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
export function signGenericWebhook(options: { secret: string; body: GenericBody | string }): SignedWebhook {
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-liveshop-signature': `sha256=${hmacSha256(options.secret, body).toString('hex')}`,
    },
  };
}
