import { Router } from 'express';
import { eventIdSchema, parseInput } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';
import type { RateLimits } from '../rate-limits.js';

/**
 * Public read API: `GET /api/events/:id` (event, products with stock and versions, pinned SKUs),
 * limited per client IP (the TCP peer).
 */
export function publicRouter(deps: { events: EventService; limits: RateLimits }): Router {
  const router = Router();
  router.get('/events/:id', async (req, res) => {
    await deps.limits.eventRead(req.socket.remoteAddress ?? '');
    const eventId = parseInput(eventIdSchema, req.params.id);
    res.set('cache-control', 'no-store').json(await deps.events.snapshot(eventId));
  });
  return router;
}
