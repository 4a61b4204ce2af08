import type { AuthorizeOutcome, CaptureOutcome, RefundOutcome, RetrieveOutcome, VoidOutcome } from './outcome.js';

/** The providers this package ships. */
export type ProviderName = 'test' | 'stripe';

/**
 * How the shopper pays: a card number typed into the widget (the `test` provider only; it is
 * never stored or logged), or a Stripe PaymentMethod id collected by Stripe Elements on the page.
 */
export type PaymentMethodInput = { card: string } | { paymentMethod: string };

/**
 * Asks the provider to reserve `amountCents` on the shopper's card without taking it yet.
 *
 * `key` is ours and names the payment for its whole life: the same key sent again returns the
 * first answer (never a second authorization), and the same key with another amount, currency or
 * card is refused as `IDEMPOTENCY_CONFLICT`. A declined key stays declined: a new attempt needs a
 * new key.
 */
export interface AuthorizeRequest {
  key: string;
  /** In the currency's minor unit (cents for USD, yen for JPY), at most 99,999,999. */
  amountCents: number;
  /** ISO 4217, upper case (`USD`). */
  currency: string;
  method: PaymentMethodInput;
  /** Shown in the provider's dashboard (e.g. the order number). */
  description?: string;
}

/** Names an authorized payment: our key and the provider's reference from `authorize`. */
export interface PaymentRef {
  key: string;
  reference: string;
}

/** Takes the money. Without `amountCents` the whole authorization; less captures part and releases the rest. */
export interface CaptureRequest extends PaymentRef {
  amountCents?: number;
}

/** Releases an authorization that will not be captured. */
export type VoidRequest = PaymentRef;

/**
 * Gives back part or all of a captured payment. `refundKey` names this refund among the
 * payment's refunds: the same refund key again is the same refund.
 */
export interface RefundRequest extends PaymentRef {
  refundKey: string;
  amountCents: number;
}

/**
 * Asks what state a payment is in. `reference` may be missing after a crash between the
 * provider's answer and the caller's record of it; providers then look the payment up by key.
 */
export interface RetrieveRequest {
  key: string;
  reference?: string;
}

/**
 * - `pending`: the provider has not decided yet (a slow approval, a payment still processing);
 * - `authorized`: reserved, capturable; `captured`: taken; `refunded`: all of the captured amount
 *   given back (a partial refund stays `captured` with `refundedCents`);
 * - `voided`: the authorization was released; `declined` / `failed`: nothing was authorized.
 */
export type PaymentState = 'pending' | 'authorized' | 'captured' | 'refunded' | 'voided' | 'declined' | 'failed';

/** What may be kept and shown of a card: never its number. */
export interface CardSummary {
  brand: string;
  last4: string;
}

/** A payment as the provider sees it now. Amounts in minor units of `currency`. */
export interface Payment {
  provider: ProviderName;
  key: string;
  reference: string;
  state: PaymentState;
  currency: string;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  card: CardSummary | null;
}

export interface Refund {
  provider: ProviderName;
  key: string;
  refundKey: string;
  reference: string;
  /** The payment's reference. */
  paymentReference: string;
  amountCents: number;
  currency: string;
  /** `pending` while the provider has not settled it (Stripe may take time for some methods). */
  state: 'succeeded' | 'pending';
}

/**
 * One payment provider. Every method resolves to a typed outcome and never throws for a
 * business result (a decline, a processor error, a wrong state, bad input); each is idempotent on
 * our key, so a caller that lost an answer asks again with the same key.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  capture(request: CaptureRequest): Promise<CaptureOutcome>;
  void(request: VoidRequest): Promise<VoidOutcome>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  retrieve(request: RetrieveRequest): Promise<RetrieveOutcome>;
}
