import { Router } from 'express';
import {
  createEventBody,
  eventIdSchema,
  issueTokenBody,
  parseInput,
  setStatusBody,
  setStockBody,
} from '@liveshop/protocol';
import type { StaffTokens } from '../auth/staff-token.js';
import type { EventService } from '../catalog/event-service.js';

/**
 * `/api/admin/*`: create events, set stock and status, issue host and moderator tokens. Mounted
 * behind `requireAdmin` and the body parser, in that order (see `createApp`).
 */
export function adminRouter(deps: { events: EventService; staffTokens: StaffTokens }): Router {
  const { events, staffTokens } = deps;
  const router = Router();

  router.post('/events', async (req, res) => {
    const body = parseInput(createEventBody, req.body);
    res.status(201).json(await events.create(body));
  });

  router.put('/events/:id/stock', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.params.id);
    const body = parseInput(setStockBody, req.body);
    res.json(await events.setStock(eventId, body.items));
  });

  router.post('/events/:id/status', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.params.id);
    const body = parseInput(setStatusBody, req.body);
    res.json(await events.setStatus(eventId, body.status));
  });

  router.post('/tokens', async (req, res) => {
    const body = parseInput(issueTokenBody, req.body);
    await events.require(body.eventId);
    res.status(201).json(staffTokens.issue(body.role, body.eventId, body.ttlSeconds));
  });

  return router;
}
