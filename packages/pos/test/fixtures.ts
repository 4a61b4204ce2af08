import { readFileSync } from 'node:fs';
import type { RawWebhookRequest, SignedWebhook } from '@liveshop/pos';

/** A fixture's exact bytes (providers sign bytes, so fixtures are never re-serialised). */
export function fixture(path: string): Buffer {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url));
}

/** A delivery as the server would hand it to an adapter. */
export function delivery(body: Buffer | string, headers: RawWebhookRequest['headers']): RawWebhookRequest {
  return { rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body), headers };
}

/** A signed webhook as a delivery. */
export function deliveryOf(signed: SignedWebhook): RawWebhookRequest {
  return delivery(signed.body, signed.headers);
}
