import { randomBytes } from 'node:crypto';

/**
 * The state of one Stripe test account, answering the endpoints the Stripe provider uses with
 * the JSON shapes of Stripe's API reference (PaymentIntent, Charge, Refund, list and search
 * results, the `{ error: {...} }` envelope). Stripe's test PaymentMethods (`pm_card_visa`, …)
 * behave as Stripe documents them.
 */

type Json = Record<string, unknown>;
export interface ApiAnswer {
  status: number;
  body: Json;
}

interface TestPaymentMethod {
  brand: string;
  last4: string;
  /** The card error Stripe answers the confirmation with. */
  decline?: { code: string; decline_code?: string; message: string };
  /** The card asks for 3-D Secure. */
  requiresAction?: boolean;
}

const paymentMethods: Record<string, TestPaymentMethod> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_visa_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    decline: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  pm_card_visa_chargeDeclinedStolenCard: {
    brand: 'visa',
    last4: '9979',
    decline: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa',
    last4: '0069',
    decline: { code: 'expired_card', message: 'Your card has expired.' },
  },
  pm_card_chargeDeclinedProcessingError: {
    brand: 'visa',
    last4: '0119',
    decline: {
      code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', requiresAction: true },
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

export const errorBody = (error: Json): Json => ({
  error: { ...error, request_log_url: `https://dashboard.stripe.com/test/logs/${id('req')}` },
});

function metadataOf(params: URLSearchParams): Json {
  const metadata: Json = {};
  for (const [name, value] of params) {
    const field = /^metadata\[(.+)\]$/.exec(name)?.[1];
    if (field) metadata[field] = value;
  }
  return metadata;
}

const invalidRequest = (status: number, message: string, extra: Json = {}): ApiAnswer => ({
  status,
  body: errorBody({ type: 'invalid_request_error', message, ...extra }),
});

export class StripeTestAccount {
  readonly intents = new Map<string, Json>();
  readonly charges = new Map<string, Json>();
  readonly refunds = new Map<string, Json>();

  handle(method: string, path: string, params: URLSearchParams): ApiAnswer {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return invalidRequest(404, `Unrecognized request URL (${method}: ${path}).`);
    const [, resource, resourceId, action] = parts;
    if (resource === 'payment_intents') {
      if (method === 'POST' && !resourceId) return this.createIntent(params);
      if (method === 'GET' && resourceId === 'search') return this.searchIntents(params);
      const intent = resourceId ? this.intents.get(resourceId) : undefined;
      if (!intent) {
        return invalidRequest(404, `No such payment_intent: '${resourceId}'`, {
          code: 'resource_missing',
          param: 'intent',
        });
      }
      if (method === 'GET' && !action) return { status: 200, body: this.expanded(intent, params) };
      if (method === 'POST' && action === 'capture') return this.capture(intent, params);
      if (method === 'POST' && action === 'cancel') return this.cancel(intent, params);
    }
    if (resource === 'refunds' && !resourceId) {
      if (method === 'POST') return this.createRefund(params);
      if (method === 'GET') return this.listRefunds(params);
    }
    return invalidRequest(404, `Unrecognized request URL (${method}: ${path}).`);
  }

  private createIntent(params: URLSearchParams): ApiAnswer {
    const amount = Number(params.get('amount'));
    if (!Number.isInteger(amount) || amount < 50) {
      return invalidRequest(400, 'Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
    }
    const methodId = params.get('payment_method') ?? '';
    const card = paymentMethods[methodId];
    if (!card) {
      return invalidRequest(400, `No such PaymentMethod: '${methodId}'`, {
        code: 'resource_missing',
        param: 'payment_method',
      });
    }
    if (params.get('automatic_payment_methods[allow_redirects]') !== 'never' && !params.get('return_url')) {
      return invalidRequest(
        400,
        'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents. If you do want to accept redirect-based payment methods, set the `return_url` parameter when confirming a PaymentIntent.',
        { param: 'return_url' },
      );
    }
    const metadata = metadataOf(params);
    const intent: Json = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: { allow_redirects: 'never', enabled: true },
      canceled_at: null,
      cancellation_reason: null,
      capture_method: params.get('capture_method') ?? 'automatic_async',
      client_secret: null,
      confirmation_method: 'automatic',
      created: now(),
      currency: params.get('currency'),
      description: params.get('description'),
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      payment_method: methodId,
      status: 'requires_confirmation',
    };
    intent.client_secret = `${intent.id as string}_secret_${randomBytes(8).toString('hex')}`;
    this.intents.set(intent.id as string, intent);
    if (params.get('confirm') !== 'true') return { status: 200, body: this.expanded(intent, params) };

    const charge = this.charge(intent, card);
    let decline = card.decline;
    if (card.requiresAction) {
      if (params.get('error_on_requires_action') !== 'true') {
        Object.assign(intent, {
          status: 'requires_action',
          next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} },
        });
        return { status: 200, body: this.expanded(intent, params) };
      }
      decline = {
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      };
    }
    if (decline) {
      const error: Json = {
        type: 'card_error',
        charge: charge.id,
        doc_url: `https://docs.stripe.com/error-codes/${decline.code.replaceAll('_', '-')}`,
        ...decline,
      };
      Object.assign(charge, {
        status: 'failed',
        paid: false,
        failure_code: decline.code,
        failure_message: decline.message,
      });
      Object.assign(intent, {
        status: 'requires_payment_method',
        last_payment_error: { ...error, payment_method: { id: methodId, object: 'payment_method', type: 'card' } },
      });
      return { status: 402, body: errorBody({ ...error, payment_intent: this.expanded(intent, params) }) };
    }
    const manual = intent.capture_method === 'manual';
    Object.assign(
      intent,
      manual
        ? { status: 'requires_capture', amount_capturable: amount }
        : { status: 'succeeded', amount_received: amount },
    );
    Object.assign(charge, { captured: !manual, amount_captured: manual ? 0 : amount });
    return { status: 200, body: this.expanded(intent, params) };
  }

  private charge(intent: Json, card: TestPaymentMethod): Json {
    const charge: Json = {
      id: id('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: 0,
      amount_refunded: 0,
      captured: false,
      created: now(),
      currency: intent.currency,
      paid: true,
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      payment_method_details: {
        type: 'card',
        card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: 2034, funding: 'credit', country: 'US' },
      },
      refunded: false,
      status: 'succeeded',
    };
    this.charges.set(charge.id as string, charge);
    intent.latest_charge = charge.id;
    return charge;
  }

  private capture(intent: Json, params: URLSearchParams): ApiAnswer {
    if (intent.status !== 'requires_capture') {
      return invalidRequest(
        400,
        `This PaymentIntent could not be captured because it has a status of ${String(intent.status)}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
        { code: 'payment_intent_unexpected_state', payment_intent: this.expanded(intent, new URLSearchParams()) },
      );
    }
    const amount = Number(params.get('amount_to_capture') ?? intent.amount_capturable);
    if (amount > (intent.amount_capturable as number)) {
      return invalidRequest(400, 'The amount to capture cannot be greater than the amount capturable.', {
        code: 'amount_too_large',
        param: 'amount_to_capture',
      });
    }
    Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    Object.assign(this.charges.get(intent.latest_charge as string)!, { captured: true, amount_captured: amount });
    return { status: 200, body: this.expanded(intent, params) };
  }

  private cancel(intent: Json, params: URLSearchParams): ApiAnswer {
    const cancellable = [
      'requires_payment_method',
      'requires_capture',
      'requires_confirmation',
      'requires_action',
      'processing',
    ];
    if (!cancellable.includes(intent.status as string)) {
      return invalidRequest(
        400,
        `You cannot cancel this PaymentIntent because it has a status of ${String(intent.status)}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancellable.join(', ')}.`,
        { code: 'payment_intent_unexpected_state', payment_intent: this.expanded(intent, new URLSearchParams()) },
      );
    }
    Object.assign(intent, {
      status: 'canceled',
      canceled_at: now(),
      cancellation_reason: params.get('cancellation_reason'),
      amount_capturable: 0,
    });
    return { status: 200, body: this.expanded(intent, params) };
  }

  private createRefund(params: URLSearchParams): ApiAnswer {
    const intent = this.intents.get(params.get('payment_intent') ?? '');
    if (!intent) {
      return invalidRequest(404, `No such payment_intent: '${params.get('payment_intent')}'`, {
        code: 'resource_missing',
        param: 'payment_intent',
      });
    }
    if (intent.status !== 'succeeded') {
      return invalidRequest(400, 'This PaymentIntent does not have a successful charge to refund.', {
        code: 'payment_intent_unexpected_state',
        param: 'payment_intent',
      });
    }
    const charge = this.charges.get(intent.latest_charge as string)!;
    const left = (charge.amount_captured as number) - (charge.amount_refunded as number);
    if (left === 0) {
      return invalidRequest(400, `Charge ${String(charge.id)} has already been refunded.`, {
        code: 'charge_already_refunded',
      });
    }
    const amount = Number(params.get('amount') ?? left);
    if (amount > left) {
      return invalidRequest(400, `Refund amount is greater than unrefunded amount on charge (${left}).`, {
        code: 'amount_too_large',
        param: 'amount',
      });
    }
    const metadata = metadataOf(params);
    const refund: Json = {
      id: id('re'),
      object: 'refund',
      amount,
      balance_transaction: id('txn'),
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata,
      payment_intent: intent.id,
      reason: params.get('reason'),
      status: 'succeeded',
    };
    this.refunds.set(refund.id as string, refund);
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    return { status: 200, body: refund };
  }

  private listRefunds(params: URLSearchParams): ApiAnswer {
    const data = [...this.refunds.values()]
      .filter((refund) => refund.payment_intent === params.get('payment_intent'))
      .reverse();
    return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/refunds' } };
  }

  private searchIntents(params: URLSearchParams): ApiAnswer {
    const query = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(params.get('query') ?? '');
    if (!query) return invalidRequest(400, 'Invalid search query.', { param: 'query' });
    const [, field, value] = query;
    const data = [...this.intents.values()]
      .filter((intent) => (intent.metadata as Json)[field!] === value)
      .map((intent) => this.expanded(intent, params, 'data.'));
    return {
      status: 200,
      body: { object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' },
    };
  }

  /** The intent as Stripe sends it, with `latest_charge` expanded when the request asked. */
  private expanded(intent: Json, params: URLSearchParams, prefix = ''): Json {
    const expand = [...params].filter(([name]) => /^expand\[\d*\]$/.test(name)).map(([, value]) => value);
    const copy = structuredClone(intent);
    if (expand.includes(`${prefix}latest_charge`) && typeof copy.latest_charge === 'string') {
      copy.latest_charge = structuredClone(this.charges.get(copy.latest_charge));
    }
    return copy;
  }
}
