import { Router } from 'express';
import {
  adminCommitBody,
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
import type { StaffTokens } from '../auth/staff-token.js';
import type { EventService } from '../catalog/event-service.js';
import type { CheckoutService } from '../orders/checkout-service.js';
import type { LocationRepository } from '../orders/location-repository.js';
import type { OrderRepository } from '../orders/order-repository.js';
import type { RefundService } from '../orders/refund-service.js';

/**
 * `/api/admin/*`: create events, set stock and status, issue host and moderator tokens; orders
 * (list, get, refund, the merchant's own cart's commit) and locations. Mounted behind
 * `requireAdmin` and the body parser, in that order (see `createApp`).
 */
export function adminRouter(deps: {
  events: EventService;
  staffTokens: StaffTokens;
  orders: OrderRepository;
  locations: LocationRepository;
  checkout: CheckoutService;
  refunds: RefundService;
}): Router {
  const { events, staffTokens, orders, locations, checkout, refunds } = deps;
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
