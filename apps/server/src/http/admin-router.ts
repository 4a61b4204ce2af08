import { Router } from 'express';
import {
  adminCommitBody,
  analyticsCsv,
  analyticsQuery,
  createEventBody,
  ErrorCode,
  eventIdSchema,
  issueTokenBody,
  LiveshopError,
  listOrdersQuery,
  orderIdSchema,
  parseInput,
  putLocationsBody,
  refundBody,
  setStatusBody,
  setStockBody,
} from '@liveshop/protocol';
import { z } from 'zod';
import type { EventReport } from '../analytics/event-report.js';
import type { StaffTokenRegistry } from '../auth/staff-token-registry.js';
import type { StaffTokens } from '../auth/staff-token.js';
import type { EventService } from '../catalog/event-service.js';
import type { CheckoutService } from '../orders/checkout-service.js';
import type { LocationRepository } from '../orders/location-repository.js';
import type { OrderRepository } from '../orders/order-repository.js';
import type { RefundService } from '../orders/refund-service.js';

const tokenIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a token id');

/** Closes the sockets of a revoked token, on every process; set once the socket server exists. */
export interface TokenSockets {
  disconnect(tokenId: string): void;
}

/**
 * `/api/admin/*`: create events, set stock and status, an event's analytics (JSON or CSV), issue,
 * list and revoke host and moderator tokens; orders (list, get, refund, the merchant's own cart's commit) and locations. Mounted
 * behind `requireAdmin` and the body parser, in that order (see `createApp`).
 */
export function adminRouter(deps: {
  events: EventService;
  staffTokens: StaffTokens;
  orders: OrderRepository;
  locations: LocationRepository;
  checkout: CheckoutService;
  refunds: RefundService;
  tokenRegistry: StaffTokenRegistry;
  tokenSockets: TokenSockets;
  reports: EventReport;
}): Router {
  const { events, staffTokens, orders, locations, checkout, refunds, tokenRegistry, tokenSockets, reports } = deps;
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
    const issued = staffTokens.issue(body.role, body.eventId, body.ttlSeconds);
    // Recorded before it is handed out: a token that exists can always be revoked.
    await tokenRegistry.record(issued);
    res.status(201).json(issued);
  });

  router.get('/events/:id/analytics', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.params.id);
    const { format } = parseInput(analyticsQuery, { ...req.query });
    const analytics = await reports.analytics(eventId);
    res.set('cache-control', 'no-store');
    if (format === 'csv') {
      res
        .type('text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="${eventId}-analytics.csv"`)
        .send(analyticsCsv(analytics));
      return;
    }
    res.json(analytics);
  });

  router.get('/tokens', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.query.eventId);
    res.json({ tokens: await tokenRegistry.list(eventId) });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const id = parseInput(tokenIdSchema, req.params.id);
    const revoked = await tokenRegistry.revoke(id);
    if (!revoked) throw new LiveshopError(ErrorCode.NOT_FOUND, `no token has id ${id}`);
    tokenSockets.disconnect(id);
    res.json({ token: revoked });
  });

  router.post('/events/:id/commit', async (req, res) => {
    const eventId = parseInput(eventIdSchema, req.params.id);
    const body = parseInput(adminCommitBody, req.body);
    res.status(201).json({ order: await checkout.commitExternal(eventId, body) });
  });

  router.get('/orders', async (req, res) => {
    const query = parseInput(listOrdersQuery, { ...req.query });
    const list = await orders.list(query);
    res.json({ orders: await Promise.all(list.map((order) => refunds.view(order))) });
  });

  router.get('/orders/:id', async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.id);
    const order = await orders.get(orderId);
    if (!order) throw new LiveshopError(ErrorCode.NOT_FOUND, `order ${orderId} does not exist`);
    res.json({ order: await refunds.view(order), steps: await orders.steps(orderId) });
  });

  router.post('/orders/:id/refund', async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.id);
    const body = parseInput(refundBody, req.body ?? {});
    res.json(await refunds.refund(orderId, body));
  });

  router.get('/locations', async (_req, res) => {
    res.json({ locations: await locations.list() });
  });

  router.put('/locations', async (req, res) => {
    const body = parseInput(putLocationsBody, req.body);
    res.json({ locations: await locations.replace(body.locations) });
  });

  return router;
}
