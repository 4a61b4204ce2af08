import { Router } from 'express';
import { eventIdSchema, parseInput } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';

/** Public read API: `GET /api/events/:id` (event, products with stock and versions, pinned SKUs). */
export function publicRouter(deps: { events: EventService }): Router {
  const router = Router();
  router.get('/events/:id', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.params.id);
    res.set('cache-control', 'no-store').json(await deps.events.snapshot(eventId));
  });
  return router;
}
