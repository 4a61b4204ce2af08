import { rejected, type CaptureOutcome, type VoidOutcome } from './outcome.js';
import type { Payment } from './provider.js';

/**
 * The answer to a capture that found the payment no longer capturable: the replay of an earlier
 * capture of the same amount, a conflict with one of another amount, or a wrong state.
 */
export function captureAnswerFromState(payment: Payment, wantedCents: number): CaptureOutcome {
  if (payment.state === 'captured' || payment.state === 'refunded') {
    return payment.capturedCents === wantedCents
      ? { outcome: 'approved', payment }
      : rejected('IDEMPOTENCY_CONFLICT', `payment was already captured for ${payment.capturedCents}`);
  }
  if (payment.state === 'authorized' && wantedCents > payment.amountCents) {
    return rejected('AMOUNT_TOO_LARGE', `capture exceeds the authorized ${payment.amountCents}`);
  }
  return rejected('INVALID_STATE', `payment is ${payment.state}, not authorized`);
}

/** The answer to a void that found the payment no longer authorized: voided, declined and failed payments hold nothing. */
export function voidAnswerFromState(payment: Payment): VoidOutcome {
  if (payment.state === 'captured' || payment.state === 'refunded') {
    return rejected('INVALID_STATE', `payment is ${payment.state}; refund it instead`);
  }
  return { outcome: 'approved', payment };
}
