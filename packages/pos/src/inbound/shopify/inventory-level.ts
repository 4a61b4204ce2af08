import { z } from 'zod';
import { numericId } from '../../values/ids.js';
import { onHandNumber } from '../../values/quantity.js';
import { rfc3339 } from '../../values/timestamp.js';
import { describeIssues } from '../open-delivery.js';
import {
  inventoryDelivery,
  refuseDelivery,
  type DeliveryContext,
  type InventoryDelivery,
  type WebhookRefusal,
} from '../result.js';

/** The `inventory_levels/update` body; Shopify's other fields (`admin_graphql_api_id`) are not needed. */
const inventoryLevelBody = z.object({
  inventory_item_id: numericId,
  location_id: numericId,
  available: onHandNumber.nullable(),
  updated_at: rfc3339,
});

/**
 * One `inventory_levels/update` delivery as one update. `available: null` is an item Shopify does
 * not track: it says nothing about how many units exist, so it is reported as skipped (`untracked`)
 * and no count is applied — neither zero (which would sell the item out) nor unlimited.
 */
export function inventoryLevelDelivery(body: unknown, context: DeliveryContext): InventoryDelivery | WebhookRefusal {
  const parsed = inventoryLevelBody.safeParse(body);
  if (!parsed.success) return refuseDelivery(context, 'malformed', describeIssues(parsed.error));
  const { inventory_item_id: posItemId, location_id: posLocationId, available, updated_at: occurredAt } = parsed.data;
  const delivery = inventoryDelivery(context);
  if (available === null) delivery.skipped.push({ posItemId, posLocationId, reason: 'untracked' });
  else {
    delivery.updates.push({
      provider: 'shopify',
      posItemId,
      posLocationId,
      onHand: available,
      occurredAt,
      deliveryId: context.deliveryId,
    });
  }
  return delivery;
}
