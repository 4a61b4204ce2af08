import { createEventBody, parseInput, posMappingsBody } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';
import type { PosRepository } from '../pos/pos-repository.js';
import { DEMO_EVENT, DEMO_POS_MAPPINGS, DEMO_STOCK } from './demo-event.js';

/**
 * Maps the demo POS ids (every start, so `pnpm pos-sale` works), and creates the `demo` event with
 * its stock when it does not exist. An existing one is left as it
 * is: its stock is whatever a merchant last set, and what Redis lost of it is restored from the
 * database like any event's.
 */
export async function seedDemo(events: EventService, pos: PosRepository): Promise<void> {
  const id = DEMO_EVENT.id;
  await pos.putMappings(parseInput(posMappingsBody, DEMO_POS_MAPPINGS));
  if (await events.catalog(id)) return;
  await events.create(parseInput(createEventBody, DEMO_EVENT));
  await events.setStock(
    id,
    Object.entries(DEMO_STOCK).map(([sku, quantity]) => ({ sku, quantity })),
  );
}
