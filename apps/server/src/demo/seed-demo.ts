import { createEventBody, parseInput, posMappingsBody } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';
import type { LocationRepository } from '../orders/location-repository.js';
import type { PosRepository } from '../pos/pos-repository.js';
import { DEMO_EVENT, DEMO_LOCATIONS, DEMO_POS_MAPPINGS, DEMO_STOCK, DEMO_STOCK_IN_STORES } from './demo-event.js';

/**
 * Maps the demo POS ids (every start, so `pnpm pos-sale` works), sets up the demo shop's stores
 * when no location exists yet, and creates the `demo` event with its stock (some of it in the
 * stores, for pickup) when it does not exist. An existing event or list of locations is left as
 * it is: it is whatever a merchant last set, and what Redis lost of it is restored from the
 * database like any event's.
 */
export async function seedDemo(events: EventService, pos: PosRepository, locations: LocationRepository): Promise<void> {
  const id = DEMO_EVENT.id;
  await pos.putMappings(parseInput(posMappingsBody, DEMO_POS_MAPPINGS));
  const stores = (await locations.list()).length === 0 ? await locations.replace(DEMO_LOCATIONS) : [];
  if (await events.catalog(id)) return;
  await events.create(parseInput(createEventBody, DEMO_EVENT));
  const known = new Set(stores.map((location) => location.id));
  const items = Object.entries(DEMO_STOCK).flatMap(([sku, quantity]) => {
    const inStores = Object.entries(DEMO_STOCK_IN_STORES[sku] ?? {}).filter(([locationId]) => known.has(locationId));
    const pool = quantity - inStores.reduce((sum, [, units]) => sum + units, 0);
    return [{ sku, quantity: pool }, ...inStores.map(([locationId, units]) => ({ sku, quantity: units, locationId }))];
  });
  await events.setStock(id, items);
}
