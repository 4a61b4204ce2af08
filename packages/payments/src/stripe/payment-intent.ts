import type Stripe from 'stripe';
import type { Payment, PaymentState, Refund } from '../provider.js';

/** The metadata field that ties a PaymentIntent to our key (searchable, shown in the dashboard). */
export const KEY_METADATA = 'liveshop_payment_key';
export const REFUND_KEY_METADATA = 'liveshop_refund_key';

function stateOf(intent: Stripe.PaymentIntent, charge: Stripe.Charge | null): PaymentState {
  switch (intent.status) {
    case 'requires_capture':
      return 'authorized';
    case 'succeeded':
      return charge && charge.amount_refunded > 0 && charge.amount_refunded >= intent.amount_received
        ? 'refunded'
        : 'captured';
    case 'canceled':
      return 'voided';
    case 'requires_payment_method':
      // A declined confirmation returns the intent to this state with the error attached.
      return intent.last_payment_error ? 'declined' : 'pending';
    default:
      return 'pending';
  }
}

/** The intent's latest charge when it was expanded (every call here asks for it). */
const chargeOf = (intent: Stripe.PaymentIntent): Stripe.Charge | null =>
  intent.latest_charge && typeof intent.latest_charge === 'object' ? intent.latest_charge : null;

export function paymentOfIntent(intent: Stripe.PaymentIntent, key: string): Payment {
  const charge = chargeOf(intent);
  const card = charge?.payment_method_details?.card;
  return {
    provider: 'stripe',
    key,
    reference: intent.id,
    state: stateOf(intent, charge),
    currency: intent.currency.toUpperCase(),
    amountCents: intent.amount,
    capturedCents: intent.amount_received,
    refundedCents: charge?.amount_refunded ?? 0,
    card: card?.last4 ? { brand: card.brand ?? 'unknown', last4: card.last4 } : null,
  };
}

export function refundOfStripe(
  refund: Stripe.Refund,
  key: string,
  refundKey: string,
  paymentReference: string,
): Refund {
  return {
    provider: 'stripe',
    key,
    refundKey,
    reference: refund.id,
    paymentReference,
    amountCents: refund.amount,
    currency: refund.currency.toUpperCase(),
    state: refund.status === 'succeeded' ? 'succeeded' : 'pending',
  };
}
