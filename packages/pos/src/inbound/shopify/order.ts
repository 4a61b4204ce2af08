import { z } from 'zod';
import { customerOf } from '../../values/customer.js';
import { numericId } from '../../values/ids.js';
import { minorUnitsOfAmount } from '../../values/money.js';
import { rfc3339 } from '../../values/timestamp.js';
import type { PosSaleLine } from '../../types.js';
import { describeIssues } from '../open-delivery.js';
import {
  refuseDelivery,
  saleDelivery,
  type DeliveryContext,
  type SaleDelivery,
  type WebhookRefusal,
} from '../result.js';

const shopMoney = z.object({ shop_money: z.object({ amount: z.string(), currency_code: z.string() }) });

/** The parts of an `orders/create` body a counter sale needs; the rest of the order is ignored. */
const orderBody = z.object({
  id: numericId,
  name: z.string().max(255).nullish(),
  source_name: z.string().max(255).nullish(),
  created_at: rfc3339,
  processed_at: rfc3339.nullish(),
  currency: z.string(),
  total_price: z.string(),
  total_price_set: shopMoney.nullish(),
  email: z.string().max(320).nullish(),
  contact_email: z.string().max(320).nullish(),
  phone: z.string().max(64).nullish(),
  location_id: numericId.nullish(),
  test: z.boolean().nullish(),
  customer: z.object({ email: z.string().max(320).nullish(), phone: z.string().max(64).nullish() }).nullish(),
  line_items: z
    .array(
      z.object({
        variant_id: numericId.nullish(),
        product_id: numericId.nullish(),
        quantity: z.number().int().min(0).max(1_000_000),
        sku: z.string().max(255).nullish(),
      }),
    )
    .max(5000),
});

/**
 * An `orders/create` delivery as a counter sale. Only orders taken on Shopify POS
 * (`source_name: "pos"`) are sales at the counter; any other order is `not_applicable`. The total is
 * the shop-currency total; a line names its variant (its product when it has no variant); a line with
 * neither (a custom sale) carries no item and is left out.
 */
export function orderDelivery(body: unknown, context: DeliveryContext): SaleDelivery | WebhookRefusal {
  const parsed = orderBody.safeParse(body);
  if (!parsed.success) return refuseDelivery(context, 'malformed', describeIssues(parsed.error));
  const order = parsed.data;
  if (order.source_name !== 'pos') {
    return refuseDelivery(
      context,
      'not_applicable',
      `order came from "${order.source_name ?? 'unknown'}", not the POS`,
    );
  }
  const money = order.total_price_set?.shop_money;
  const currency = money?.currency_code ?? order.currency;
  const totalCents = minorUnitsOfAmount(money?.amount ?? order.total_price, currency);
  if (totalCents === undefined || totalCents < 0) {
    return refuseDelivery(
      context,
      'malformed',
      `total ${money?.amount ?? order.total_price} ${currency} is not an amount`,
    );
  }
  const lines: PosSaleLine[] = [];
  for (const item of order.line_items) {
    const posItemId = item.variant_id ?? item.product_id;
    if (!posItemId || item.quantity === 0) continue;
    lines.push({ posItemId, qty: item.quantity, ...(item.sku ? { sku: item.sku } : {}) });
  }
  return saleDelivery(context, {
    occurredAt: order.processed_at ?? order.created_at,
    orderRef: order.id,
    totalCents,
    currency,
    customer: customerOf({
      email: order.email ?? order.contact_email ?? order.customer?.email,
      phone: order.phone ?? order.customer?.phone,
    }),
    lines,
    ...(order.location_id ? { posLocationId: order.location_id } : {}),
    test: order.test === true,
  });
}
