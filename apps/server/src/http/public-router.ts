import { Router } from 'express';
import {
  eventIdSchema,
  parseInput,
  pickupLocationsQuery,
  type PickupLocation,
  type PickupLocationsResponse,
} from '@liveshop/protocol';
import type { InventoryStore } from '@liveshop/inventory';
import type { EventService } from '../catalog/event-service.js';
import type { LocationRepository } from '../orders/location-repository.js';
import type { RateLimits } from '../rate-limits.js';

/**
 * Public read API: `GET /api/events/:id` (event, products with stock and versions, pinned SKUs)
 * and `GET /api/events/:id/locations?sku=` (pickup locations that can still supply the SKU),
 * limited per client IP (the TCP peer).
 */
export function publicRouter(deps: {
  events: EventService;
  limits: RateLimits;
  locations: LocationRepository;
  inventory: InventoryStore;
}): Router {
  const router = Router();
  router.get('/events/:id', async (req, res) => {
    await deps.limits.eventRead(req.socket.remoteAddress ?? '');
    const eventId = parseInput(eventIdSchema, req.params.id);
    res.set('cache-control', 'no-store').json(await deps.events.snapshot(eventId));
  });
  router.get('/events/:id/locations', async (req, res) => {
    await deps.limits.eventRead(req.socket.remoteAddress ?? '');
    const eventId = parseInput(eventIdSchema, req.params.id);
    const { sku } = parseInput(pickupLocationsQuery, { ...req.query });
    await deps.events.require(eventId);
    const [all, stock] = await Promise.all([deps.locations.list(), deps.inventory.locationStock(eventId, sku)]);
    const locations: PickupLocation[] = [];
    for (const location of all) {
      const here = stock.get(location.id);
      const available = here ? here.allocated - here.sold : 0;
      if (location.pickup && available > 0) {
        locations.push({ id: location.id, name: location.name, address: location.address, available });
      }
    }
    const body: PickupLocationsResponse = { eventId, sku, locations };
    res.set('cache-control', 'no-store').json(body);
  });
  return router;
}
