import Stripe from 'stripe';
import { declineMessages } from '../decline-messages.js';
import { failed, rejected, type DeclineReason, type Declined, type Failed, type Rejected } from '../outcome.js';

/** Issuer and Stripe codes that name a reason the shopper can act on; every other decline is `card_declined`. */
const declineReasons: Record<string, DeclineReason> = {
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  authentication_required: 'authentication_required',
  payment_intent_authentication_failure: 'authentication_required',
  card_not_supported: 'card_not_supported',
  currency_not_supported: 'currency_not_supported',
};

/** What went wrong, in our terms, for an error the `stripe` client threw. */
export type StripeFailure = Declined | Failed | Rejected | { outcome: 'unexpected_state' } | { outcome: 'missing' };

/**
 * Maps a thrown Stripe error to an outcome. `unexpected_state` and `missing` are left to the
 * caller, who knows what the request meant (a capture of a captured intent may be its replay).
 */
export function failureOfStripeError(error: unknown): StripeFailure {
  if (!(error instanceof Stripe.errors.StripeError)) throw error;
  const message = error.message;
  const reference = error.payment_intent?.id;
  if (error.statusCode === 409 || error.code === 'lock_timeout' || error.code === 'idempotency_key_in_use') {
    return failed('in_progress', true, message, reference);
  }
  switch (error.type) {
    case 'StripeCardError': {
      // The client sets an absent decline_code to ''.
      const code = error.decline_code || error.code || 'card_declined';
      if (error.code === 'processing_error') return failed('processing_error', false, message, reference);
      const reason = declineReasons[code] ?? declineReasons[error.code ?? ''] ?? 'card_declined';
      const declined: Declined = { outcome: 'declined', reason, message: declineMessages[reason], processorCode: code };
      return reference === undefined ? declined : { ...declined, reference };
    }
    case 'StripeIdempotencyError':
      return rejected('IDEMPOTENCY_CONFLICT', message);
    case 'StripeInvalidRequestError':
      if (error.code === 'payment_intent_unexpected_state') return { outcome: 'unexpected_state' };
      if (error.code === 'resource_missing') return { outcome: 'missing' };
      if (error.code === 'amount_too_large' || error.code === 'charge_already_refunded') {
        return rejected('AMOUNT_TOO_LARGE', message);
      }
      if (error.code === 'charge_expired_for_capture') return rejected('INVALID_STATE', message);
      return rejected('INVALID_INPUT', message);
    case 'StripeRateLimitError':
      return failed('rate_limited', true, message, reference);
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return failed('misconfigured', false, message);
    case 'StripeConnectionError':
    case 'StripeAPIError':
      return failed('unavailable', true, message, reference);
    default:
      return failed('unexpected_response', true, message, reference);
  }
}
