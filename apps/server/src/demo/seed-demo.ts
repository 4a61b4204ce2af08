import type { InventoryStore } from '@liveshop/inventory';
import { createEventBody, parseInput } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';
import { DEMO_EVENT, DEMO_STOCK } from './demo-event.js';

/**
 * Creates the `demo` event with its stock when it does not exist. When it does, gives stock back
 * to any demo product Redis has no record of (a fresh Redis behind an existing database); stock a
 * merchant set is never overwritten.
 */
export async function seedDemo(events: EventService, inventory: InventoryStore): Promise<void> {
  const id = DEMO_EVENT.id;
  const stocked = new Set((await inventory.snapshot(id)).map((stock) => stock.sku));
  if (!(await events.catalog(id))) await events.create(parseInput(createEventBody, DEMO_EVENT));
  const missing = Object.entries(DEMO_STOCK).filter(([sku]) => !stocked.has(sku));
  if (missing.length > 0) {
    await events.setStock(
      id,
      missing.map(([sku, quantity]) => ({ sku, quantity })),
    );
  }
}
