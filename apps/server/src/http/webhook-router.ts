import express, { Router } from 'express';
import type { PosProviderName } from '@liveshop/protocol';
import type { PosInbound } from '../pos/pos-inbound.js';

/** The adapters bound the body themselves (1 MiB); this limit only stops the read beyond it. */
const WEBHOOK_BODY_LIMIT = '1mb';

const ROUTES: [path: string, provider: PosProviderName][] = [
  ['/webhooks/shopify', 'shopify'],
  ['/webhooks/square', 'square'],
  ['/webhooks/pos', 'generic'],
];

/**
 * `POST /webhooks/shopify`, `/webhooks/square`, `/webhooks/pos`: the body is read raw, whatever its
 * content type (the signature covers the exact bytes), and handed with the headers to
 * {@link PosInbound}. 200 applied, 200 `{duplicate:true}` / `{stale:true}` / `{ignored:true}`, 401
 * bad signature, 400 malformed, 413 too large; 503 when a store is down (the POS retries).
 */
export function webhookRouter(deps: { pos: PosInbound }): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  for (const [path, provider] of ROUTES) {
    router.post(path, raw, async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await deps.pos.receive(provider, { rawBody, headers: req.headers });
      const { outcome: _outcome, ...body } = answer.body;
      res.status(answer.status).set('cache-control', 'no-store').json(body);
    });
  }
  return router;
}
