import { z } from 'zod';
import { customerOf } from '../../values/customer.js';
import { minorUnitDigits } from '../../values/money.js';
import { opaqueId } from '../../values/ids.js';
import { rfc3339 } from '../../values/timestamp.js';
import { describeIssues } from '../open-delivery.js';
import {
  refuseDelivery,
  saleDelivery,
  type DeliveryContext,
  type SaleDelivery,
  type WebhookRefusal,
} from '../result.js';

const money = z.object({ amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: z.string() });

const paymentData = z.object({
  object: z.object({
    payment: z.object({
      id: opaqueId,
      order_id: opaqueId.nullish(),
      location_id: opaqueId.nullish(),
      status: z.string().max(32),
      created_at: rfc3339,
      total_money: money.nullish(),
      amount_money: money,
      buyer_email_address: z.string().max(320).nullish(),
      customer_id: opaqueId.nullish(),
    }),
  }),
});

/** Payments that never took money are no sale. */
const NOT_A_SALE = new Set(['CANCELED', 'FAILED']);

/**
 * A `payment.created` notification as a counter sale: the order reference is the payment's order
 * (the payment itself when it has none), the total is `total_money` (tip included) in minor units,
 * and the customer is the buyer's e-mail (Square's `customer_id`, when present, is kept as the POS's own
 * customer id). A payment carries no line items.
 */
export function paymentDelivery(data: unknown, context: DeliveryContext): SaleDelivery | WebhookRefusal {
  const parsed = paymentData.safeParse(data);
  if (!parsed.success) return refuseDelivery(context, 'malformed', describeIssues(parsed.error));
  const payment = parsed.data.object.payment;
  if (NOT_A_SALE.has(payment.status)) return refuseDelivery(context, 'not_applicable', `payment is ${payment.status}`);
  const total = payment.total_money ?? payment.amount_money;
  if (minorUnitDigits(total.currency) === undefined) {
    return refuseDelivery(context, 'malformed', `currency "${total.currency.slice(0, 8)}" is not an ISO 4217 code`);
  }
  return saleDelivery(context, {
    occurredAt: payment.created_at,
    orderRef: payment.order_id ?? payment.id,
    totalCents: total.amount,
    currency: total.currency,
    customer: customerOf({ email: payment.buyer_email_address }),
    ...(payment.customer_id ? { posCustomerId: payment.customer_id } : {}),
    lines: [],
    ...(payment.location_id ? { posLocationId: payment.location_id } : {}),
    test: false,
  });
}
