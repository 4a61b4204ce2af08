import { z } from 'zod';
import { opaqueId } from '../../values/ids.js';
import { wholeUnitsOfDecimal } from '../../values/quantity.js';
import { rfc3339 } from '../../values/timestamp.js';
import { describeIssues } from '../open-delivery.js';
import {
  inventoryDelivery,
  refuseDelivery,
  type DeliveryContext,
  type InventoryDelivery,
  type WebhookRefusal,
} from '../result.js';

/**
 * Square documents at most 100 counts per notification; the bound here is ten times that, a limit
 * against hostile input rather than a format check that a larger genuine batch would fail.
 */
export const MAX_SQUARE_COUNTS = 1000;

const countsData = z.object({
  object: z.object({
    inventory_counts: z
      .array(
        z.object({
          catalog_object_id: opaqueId,
          location_id: opaqueId,
          quantity: z.string().max(32),
          state: z.string().max(64),
          calculated_at: rfc3339.optional(),
        }),
      )
      .max(MAX_SQUARE_COUNTS),
  }),
});

/**
 * An `inventory.count.updated` notification as one update per `IN_STOCK` count: only that state is
 * on hand and sellable; counts of other states (`SOLD`, `WASTE`, …) are reported as skipped. Each
 * count is ordered by its own `calculated_at` (the event's `created_at` when absent).
 */
export function inventoryCountDelivery(
  data: unknown,
  context: DeliveryContext,
  createdAt: number | undefined,
): InventoryDelivery | WebhookRefusal {
  const parsed = countsData.safeParse(data);
  if (!parsed.success) return refuseDelivery(context, 'malformed', describeIssues(parsed.error));
  const delivery = inventoryDelivery(context);
  for (const [index, count] of parsed.data.object.inventory_counts.entries()) {
    const posItemId = count.catalog_object_id;
    const posLocationId = count.location_id;
    if (count.state !== 'IN_STOCK') {
      delivery.skipped.push({ posItemId, posLocationId, reason: 'not_on_hand' });
      continue;
    }
    const onHand = wholeUnitsOfDecimal(count.quantity);
    if (onHand === undefined) {
      return refuseDelivery(
        context,
        'malformed',
        `inventory_counts.${index}.quantity "${count.quantity}" is not a decimal quantity`,
      );
    }
    const occurredAt = count.calculated_at ?? createdAt;
    if (occurredAt === undefined) {
      return refuseDelivery(
        context,
        'malformed',
        `inventory_counts.${index} has no calculated_at and the event no created_at`,
      );
    }
    delivery.updates.push({
      provider: 'square',
      posItemId,
      posLocationId,
      onHand,
      occurredAt,
      deliveryId: context.deliveryId,
    });
  }
  return delivery;
}
