import { Router } from 'express';
import type { ServerMetrics } from '../metrics/metrics.js';
import { requireBearer } from './admin-auth.js';

/** `GET /metrics`: Prometheus text, behind `Authorization: Bearer <metricsKey>` when a key is set. */
export function metricsRouter(deps: { metrics: ServerMetrics; metricsKey?: string }): Router {
  const router = Router();
  router.get('/metrics', requireBearer(deps.metricsKey, 'metrics'), async (_req, res) => {
    res.set('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
