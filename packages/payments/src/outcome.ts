import type { Payment, Refund } from './provider.js';

/**
 * Why a card was declined, in words a shopper may read. Fraud, lost and stolen cards are reported
 * as `card_declined` on purpose: telling a fraudster why helps the fraudster.
 */
export type DeclineReason =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'incorrect_number'
  | 'authentication_required'
  | 'card_not_supported'
  | 'currency_not_supported';

/** The issuer said no. Nothing is authorized under the key, and never will be. */
export interface Declined {
  outcome: 'declined';
  reason: DeclineReason;
  /** Safe to show to the shopper. */
  message: string;
  /** The processor's own code (`stolen_card`, `generic_decline`…), for the merchant's logs. */
  processorCode?: string;
  /** The provider's id of the declined attempt, when it made one. */
  reference?: string;
}

/**
 * - `processing_error`: the processor failed on this attempt; nothing is authorized.
 * - `unavailable`: the provider or its store could not be reached, or answered 5xx.
 * - `rate_limited`: the provider asks us to slow down.
 * - `in_progress`: another request with the same key is still running.
 * - `misconfigured`: the provider refused our credentials or permissions.
 * - `unexpected_response`: an answer this package does not understand.
 */
export type FailureCode =
  'processing_error' | 'unavailable' | 'rate_limited' | 'in_progress' | 'misconfigured' | 'unexpected_response';

/**
 * The request did not get a decision from the card's issuer.
 *
 * `retryable: true` means the outcome is unknown: the provider may or may not have acted. Send the
 * same request with the same key again (or `retrieve` the payment) before concluding anything; the
 * key makes that safe. `retryable: false` means the failure is final for this key: nothing happened.
 */
export interface Failed {
  outcome: 'failed';
  code: FailureCode;
  retryable: boolean;
  message: string;
  reference?: string;
}

/**
 * - `INVALID_INPUT`: malformed request (a card number failing the Luhn check, a bad amount…);
 * - `IDEMPOTENCY_CONFLICT`: the key was used before with other content;
 * - `NOT_FOUND`: no payment under this key and reference;
 * - `INVALID_STATE`: the payment is not in a state that allows this (capturing a voided payment);
 * - `AMOUNT_TOO_LARGE`: more than the authorization (capture) or than is left to refund.
 */
export type RejectionCode =
  'INVALID_INPUT' | 'IDEMPOTENCY_CONFLICT' | 'NOT_FOUND' | 'INVALID_STATE' | 'AMOUNT_TOO_LARGE';

/** The request itself was refused before any money moved. */
export interface Rejected {
  outcome: 'rejected';
  code: RejectionCode;
  message: string;
}

export interface PaymentApproved {
  outcome: 'approved';
  /**
   * The payment as the provider reports it: the test provider reads it anew (a replayed
   * authorization shows a later capture), Stripe replays its first answer to the key.
   */
  payment: Payment;
}

export type AuthorizeOutcome = PaymentApproved | Declined | Failed | Rejected;
export type CaptureOutcome = PaymentApproved | Failed | Rejected;
export type VoidOutcome = PaymentApproved | Failed | Rejected;
export type RefundOutcome = { outcome: 'approved'; refund: Refund } | Failed | Rejected;
export type RetrieveOutcome = { outcome: 'found'; payment: Payment } | { outcome: 'not_found' } | Failed | Rejected;

export const rejected = (code: RejectionCode, message: string): Rejected => ({ outcome: 'rejected', code, message });

export const failed = (code: FailureCode, retryable: boolean, message: string, reference?: string): Failed =>
  reference === undefined
    ? { outcome: 'failed', code, retryable, message }
    : { outcome: 'failed', code, retryable, message, reference };
