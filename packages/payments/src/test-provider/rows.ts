import type { DeclineReason } from '../outcome.js';
import type { Payment } from '../provider.js';

/** A `payment_test_payments` row as {@link PAYMENT_COLUMNS} selects it. */
export interface PaymentRow {
  key: string;
  reference: string;
  state: 'authorized' | 'captured' | 'refunded' | 'voided' | 'declined' | 'failed';
  currency: string;
  amount_cents: number;
  captured_cents: number;
  refunded_cents: number;
  card_brand: string;
  card_last4: string;
  decline_reason: DeclineReason | null;
  failure_code: string | null;
  /** Milliseconds until the processor's answer is visible, by the database clock; 0 once it is. */
  settles_in_ms: number;
}

/** Every process compares `settles_at` with the same clock: the database's. */
export const PAYMENT_COLUMNS = `key, reference, state, currency, amount_cents, captured_cents, refunded_cents,
  card_brand, card_last4, decline_reason, failure_code,
  greatest(0, ceil(extract(epoch from (settles_at - now())) * 1000))::integer as settles_in_ms`;

export interface RefundRow {
  refund_key: string;
  reference: string;
  amount_cents: number;
  currency: string;
}

export const REFUND_COLUMNS = 'refund_key, reference, amount_cents, currency';

export function paymentOfRow(row: PaymentRow): Payment {
  return {
    provider: 'test',
    key: row.key,
    reference: row.reference,
    state: row.settles_in_ms > 0 ? 'pending' : row.state,
    currency: row.currency,
    amountCents: row.amount_cents,
    capturedCents: row.captured_cents,
    refundedCents: row.refunded_cents,
    card: { brand: row.card_brand, last4: row.card_last4 },
  };
}
