import createDebug from 'debug';
import Stripe from 'stripe';
import {
  failed,
  rejected,
  type AuthorizeOutcome,
  type CaptureOutcome,
  type Declined,
  type Failed,
  type RefundOutcome,
  type Rejected,
  type RetrieveOutcome,
  type VoidOutcome,
} from '../outcome.js';
import type {
  AuthorizeRequest,
  CaptureRequest,
  Payment,
  PaymentProvider,
  PaymentRef,
  RefundRequest,
  RetrieveRequest,
  VoidRequest,
} from '../provider.js';
import { checkAmount, checkAuthorization, checkKey, firstProblem, notAnObject } from '../request-input.js';
import { captureAnswerFromState, voidAnswerFromState } from '../settled-answers.js';
import { failureOfStripeError } from './errors.js';
import { KEY_METADATA, paymentOfIntent, REFUND_KEY_METADATA, refundOfStripe } from './payment-intent.js';

const debug = createDebug('liveshop:payments');

const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]{1,200}$/;
const INTENT_ID = /^pi_[A-Za-z0-9_]{1,200}$/;
/** Each response carries the charge, for the card's brand and last four digits and the refunded amount. */
const EXPAND_CHARGE = ['latest_charge'];

export interface StripeProviderOptions {
  /** The account's secret key (`sk_live_…`, `sk_test_…`, or a restricted `rk_…` key). */
  secretKey: string;
  /** Where the API is, `https://api.stripe.com` unless set (tests point it at a local server). */
  apiUrl?: string;
  /** Retries of a request that got no answer, a 409 or a 5xx, each with the same idempotency key; 2 by default. */
  maxNetworkRetries?: number;
  /** Per request, 30 s by default. */
  timeoutMs?: number;
}

/**
 * Card payments through Stripe PaymentIntents with manual capture. `authorize` creates and
 * confirms an intent with the PaymentMethod id Stripe Elements collected on the page; `capture`,
 * `void` (cancel) and `refund` act on it. Each step sends `<key>:<step>` as Stripe's
 * `Idempotency-Key`, so a retried step is replayed by Stripe, never repeated. Steps that find the
 * intent already where the request would put it (a replay after Stripe forgot the key) answer as
 * the replay would.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(options: StripeProviderOptions) {
    if (!options.secretKey) throw new Error('the Stripe provider needs a secret key');
    const api = new URL(options.apiUrl ?? 'https://api.stripe.com');
    if (api.protocol !== 'https:' && api.protocol !== 'http:')
      throw new Error(`unsupported Stripe API URL ${api.href}`);
    const protocol = api.protocol === 'https:' ? 'https' : 'http';
    this.stripe = new Stripe(options.secretKey, {
      host: api.hostname,
      port: api.port || (protocol === 'https' ? 443 : 80),
      protocol,
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      appInfo: { name: 'Liveshop' },
    });
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const problem = checkAuthorization(request);
    if (problem) return problem;
    const method = request.method as Partial<{ paymentMethod: unknown }> | undefined;
    if (typeof method?.paymentMethod !== 'string' || !PAYMENT_METHOD_ID.test(method.paymentMethod)) {
      return rejected('INVALID_INPUT', 'the Stripe provider takes a PaymentMethod id (pm_…) from Stripe Elements');
    }
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency.toLowerCase(),
          payment_method: method.paymentMethod,
          capture_method: 'manual',
          confirm: true,
          // The page collected a card with Elements; nothing here can follow a redirect or 3-D
          // Secure challenge, so a card that needs one is declined instead of left waiting.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          error_on_requires_action: true,
          metadata: { [KEY_METADATA]: request.key },
          ...(request.description ? { description: request.description } : {}),
          expand: EXPAND_CHARGE,
        },
        { idempotencyKey: `${request.key}:authorize` },
      );
      debug('authorize %s → %s %s', request.key, intent.id, intent.status);
      const payment = paymentOfIntent(intent, request.key);
      if (payment.state !== 'authorized' && payment.state !== 'captured') {
        return failed('unexpected_response', true, `payment intent is ${intent.status}`, intent.id);
      }
      return { outcome: 'approved', payment };
    } catch (error) {
      const failure = failureOfStripeError(error);
      if (failure.outcome === 'missing') return rejected('INVALID_INPUT', 'no such PaymentMethod');
      if (failure.outcome === 'unexpected_state')
        return rejected('INVALID_STATE', 'the payment could not be confirmed');
      return failure;
    }
  }

  async capture(request: CaptureRequest): Promise<CaptureOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkPaymentRef(request),
        request.amountCents === undefined ? undefined : checkAmount('amountCents', request.amountCents),
      );
    if (problem) return problem;
    try {
      const intent = await this.stripe.paymentIntents.capture(
        request.reference,
        {
          ...(request.amountCents === undefined ? {} : { amount_to_capture: request.amountCents }),
          expand: EXPAND_CHARGE,
        },
        // A refused capture is stored under its key too; keying a partial capture by its amount
        // lets a corrected amount through, and the intent's state still allows only one capture.
        {
          idempotencyKey:
            request.amountCents === undefined
              ? `${request.key}:capture`
              : `${request.key}:capture:${request.amountCents}`,
        },
      );
      debug('capture %s %s %d', request.key, intent.id, intent.amount_received);
      return { outcome: 'approved', payment: paymentOfIntent(intent, request.key) };
    } catch (error) {
      return this.answerStepError(request, error, (payment) =>
        captureAnswerFromState(payment, request.amountCents ?? payment.amountCents),
      );
    }
  }

  async void(request: VoidRequest): Promise<VoidOutcome> {
    const problem = notAnObject(request) ?? checkPaymentRef(request);
    if (problem) return problem;
    try {
      const intent = await this.stripe.paymentIntents.cancel(
        request.reference,
        { cancellation_reason: 'abandoned', expand: EXPAND_CHARGE },
        { idempotencyKey: `${request.key}:void` },
      );
      debug('void %s %s', request.key, intent.id);
      return { outcome: 'approved', payment: paymentOfIntent(intent, request.key) };
    } catch (error) {
      return this.answerStepError(request, error, voidAnswerFromState);
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkPaymentRef(request),
        checkKey('refundKey', request.refundKey),
        checkAmount('amountCents', request.amountCents),
      );
    if (problem) return problem;
    try {
      // Stripe forgets idempotency keys after a day; a refund found by its key in the intent's
      // refunds is answered from there, so an old refund is never made twice.
      for await (const earlier of this.stripe.refunds.list({ payment_intent: request.reference, limit: 100 })) {
        if (earlier.metadata?.[REFUND_KEY_METADATA] !== request.refundKey) continue;
        if (earlier.amount !== request.amountCents) {
          return rejected('IDEMPOTENCY_CONFLICT', `refund key was already used to refund ${earlier.amount}`);
        }
        return {
          outcome: 'approved',
          refund: refundOfStripe(earlier, request.key, request.refundKey, request.reference),
        };
      }
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.reference,
          amount: request.amountCents,
          metadata: { [KEY_METADATA]: request.key, [REFUND_KEY_METADATA]: request.refundKey },
        },
        { idempotencyKey: `${request.key}:refund:${request.refundKey}` },
      );
      debug('refund %s %s %d %s', request.key, refund.id, refund.amount, refund.status);
      if (refund.status === 'failed' || refund.status === 'canceled') {
        return failed('processing_error', false, `refund ${refund.status}`, refund.id);
      }
      return { outcome: 'approved', refund: refundOfStripe(refund, request.key, request.refundKey, request.reference) };
    } catch (error) {
      const failure = failureOfStripeError(error);
      if (failure.outcome === 'missing') return notFound(request);
      if (failure.outcome === 'unexpected_state') return rejected('INVALID_STATE', 'payment is not captured');
      return afterAuthorization(failure);
    }
  }

  /**
   * By reference when given (always exact). Without one, by the key in the intent's metadata
   * through Stripe's search, which Stripe indexes within about a minute: a key authorized moments
   * ago may not be found yet.
   */
  async retrieve(request: RetrieveRequest): Promise<RetrieveOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkKey('key', request.key),
        request.reference === undefined || INTENT_ID.test(request.reference)
          ? undefined
          : rejected('INVALID_INPUT', 'reference is not a payment intent id'),
      );
    if (problem) return problem;
    try {
      if (request.reference !== undefined) {
        const intent = await this.stripe.paymentIntents.retrieve(request.reference, { expand: EXPAND_CHARGE });
        if (intent.metadata?.[KEY_METADATA] !== request.key) return { outcome: 'not_found' };
        return { outcome: 'found', payment: paymentOfIntent(intent, request.key) };
      }
      const found = await this.stripe.paymentIntents.search({
        query: `metadata['${KEY_METADATA}']:'${request.key}'`,
        expand: EXPAND_CHARGE.map((field) => `data.${field}`),
      });
      // One key makes one intent; should a forgotten key have made a second, the live one counts.
      const intent = found.data.find((each) => each.status !== 'canceled') ?? found.data[0];
      return intent ? { outcome: 'found', payment: paymentOfIntent(intent, request.key) } : { outcome: 'not_found' };
    } catch (error) {
      const failure = failureOfStripeError(error);
      if (failure.outcome === 'missing') return { outcome: 'not_found' };
      if (failure.outcome === 'unexpected_state' || failure.outcome === 'declined') {
        return failed('unexpected_response', true, 'unexpected answer to a read');
      }
      return failure;
    }
  }

  /**
   * A capture or void Stripe refused because the intent is not where the step starts (already
   * captured or canceled, perhaps by this very step before Stripe forgot its key): the intent's
   * state decides the answer.
   */
  private async answerStepError(
    ref: PaymentRef,
    error: unknown,
    fromState: (payment: Payment) => CaptureOutcome,
  ): Promise<CaptureOutcome> {
    const failure = failureOfStripeError(error);
    if (failure.outcome === 'missing') return notFound(ref);
    if (failure.outcome !== 'unexpected_state') return afterAuthorization(failure);
    const current = await this.retrieve(ref);
    if (current.outcome !== 'found') return current.outcome === 'not_found' ? notFound(ref) : current;
    return fromState(current.payment);
  }
}

function checkPaymentRef(ref: PaymentRef) {
  return firstProblem(
    checkKey('key', ref.key),
    INTENT_ID.test(String(ref.reference))
      ? undefined
      : rejected('INVALID_INPUT', 'reference is not a payment intent id'),
  );
}

/** Only an authorization is declined by the issuer; a card error on a later step is the processor's failure. */
const afterAuthorization = (failure: Declined | Failed | Rejected): Failed | Rejected =>
  failure.outcome === 'declined' ? failed('processing_error', false, failure.message, failure.reference) : failure;

const notFound = (ref: PaymentRef) => rejected('NOT_FOUND', `no payment intent ${ref.reference} for key ${ref.key}`);
