import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StripePaymentProvider } from '@liveshop/payments';
import { randomKey } from './keys.js';
import { SECRET_KEY, StripeApiServer } from './stripe-api/server.js';

describe('Stripe provider authorize', () => {
  let api: StripeApiServer;
  let apiUrl: string;
  let stripe: StripePaymentProvider;
  beforeEach(async () => {
    api = new StripeApiServer();
    apiUrl = await api.start();
    stripe = new StripePaymentProvider({ secretKey: SECRET_KEY, apiUrl, maxNetworkRetries: 0 });
  });
  afterEach(() => api.close());

  const authorize = (key: string, paymentMethod: string, amountCents = 2500, provider = stripe) =>
    provider.authorize({ key, amountCents, currency: 'USD', method: { paymentMethod }, description: 'Order 1042' });

  it('creates and confirms a manual-capture PaymentIntent with our key, and sends exactly this', async () => {
    const key = randomKey();
    const outcome = await authorize(key, 'pm_card_visa');
    expect(outcome).toEqual({
      outcome: 'approved',
      payment: {
        provider: 'stripe',
        key,
        reference: expect.stringMatching(/^pi_/),
        state: 'authorized',
        currency: 'USD',
        amountCents: 2500,
        capturedCents: 0,
        refundedCents: 0,
        card: { brand: 'visa', last4: '4242' },
      },
    });
    const [sent] = api.requests;
    expect(api.requests).toHaveLength(1);
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/payment_intents', idempotencyKey: `${key}:authorize` });
    expect(sent!.form).toEqual([
      ['amount', '2500'],
      ['currency', 'usd'],
      ['payment_method', 'pm_card_visa'],
      ['capture_method', 'manual'],
      ['confirm', 'true'],
      ['automatic_payment_methods[enabled]', 'true'],
      ['automatic_payment_methods[allow_redirects]', 'never'],
      ['error_on_requires_action', 'true'],
      ['metadata[liveshop_payment_key]', key],
      ['description', 'Order 1042'],
      ['expand[0]', 'latest_charge'],
    ]);
    expect(sent!.headers).toMatchObject({
      authorization: `Bearer ${SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
      'stripe-version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}\./),
    });
    expect(api.account.intents.get((outcome as { payment: { reference: string } }).payment.reference)).toMatchObject({
      status: 'requires_capture',
      capture_method: 'manual',
    });
  });

  it('maps card errors to declines with a reason, keeping the issuer code for the merchant', async () => {
    expect(await authorize(randomKey(), 'pm_card_visa_chargeDeclined')).toEqual({
      outcome: 'declined',
      reason: 'card_declined',
      message: 'Your card was declined.',
      processorCode: 'generic_decline',
      reference: expect.stringMatching(/^pi_/),
    });
    expect(await authorize(randomKey(), 'pm_card_visa_chargeDeclinedInsufficientFunds')).toMatchObject({
      outcome: 'declined',
      reason: 'insufficient_funds',
    });
    expect(await authorize(randomKey(), 'pm_card_chargeDeclinedExpiredCard')).toMatchObject({
      outcome: 'declined',
      reason: 'expired_card',
      processorCode: 'expired_card',
    });
    // A stolen card is reported to the shopper as a plain decline.
    expect(await authorize(randomKey(), 'pm_card_visa_chargeDeclinedStolenCard')).toMatchObject({
      outcome: 'declined',
      reason: 'card_declined',
      message: 'Your card was declined.',
      processorCode: 'stolen_card',
    });
    expect(await authorize(randomKey(), 'pm_card_authenticationRequired')).toMatchObject({
      outcome: 'declined',
      reason: 'authentication_required',
    });
  });

  it('fails a processor error for good, and replays a decline under the same key', async () => {
    expect(await authorize(randomKey(), 'pm_card_chargeDeclinedProcessingError')).toMatchObject({
      outcome: 'failed',
      code: 'processing_error',
      retryable: false,
    });
    const key = randomKey();
    const declined = await authorize(key, 'pm_card_visa_chargeDeclined');
    expect(await authorize(key, 'pm_card_visa_chargeDeclined')).toEqual(declined);
    expect(api.requests.at(-1)!.replayed).toBe(true);
    expect(api.account.intents.size).toBe(2);
  });

  it('replays the same key from Stripe, and maps the same key with another amount to a conflict', async () => {
    const key = randomKey();
    const first = await authorize(key, 'pm_card_visa');
    expect(await authorize(key, 'pm_card_visa')).toEqual(first);
    expect(api.requests.map((request) => request.replayed)).toEqual([false, true]);
    expect(await authorize(key, 'pm_card_visa', 2600)).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await authorize(key, 'pm_card_mastercard')).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(api.account.intents.size).toBe(1);
  });

  it('recovers a lost answer by retrying with the same key: one PaymentIntent', async () => {
    const retrying = new StripePaymentProvider({ secretKey: SECRET_KEY, apiUrl, maxNetworkRetries: 2 });
    api.dropNextResponse();
    const key = randomKey();
    const outcome = await authorize(key, 'pm_card_visa', 2500, retrying);
    expect(outcome).toMatchObject({ outcome: 'approved', payment: { state: 'authorized' } });
    expect(api.requests.map((request) => [request.idempotencyKey, request.replayed])).toEqual([
      [`${key}:authorize`, false],
      [`${key}:authorize`, true],
    ]);
    expect(api.account.intents.size).toBe(1);
  });

  it('reports an answer lost even after the retry as unknown; the payment is then found by key and voided', async () => {
    api.dropNextResponse();
    api.dropNextResponse();
    const key = randomKey();
    expect(await authorize(key, 'pm_card_visa')).toMatchObject({
      outcome: 'failed',
      code: 'unavailable',
      retryable: true,
    });
    expect(api.requests.map((request) => request.replayed)).toEqual([false, true]);

    const found = await stripe.retrieve({ key });
    if (found.outcome !== 'found') throw new Error(JSON.stringify(found));
    expect(found.payment).toMatchObject({ key, state: 'authorized', amountCents: 2500 });
    expect(await stripe.void({ key, reference: found.payment.reference })).toMatchObject({
      outcome: 'approved',
      payment: { state: 'voided' },
    });
    expect(api.account.intents.size).toBe(1);
  });

  it('makes one PaymentIntent from concurrent calls with one key (409 in use, then the replay)', async () => {
    const retrying = new StripePaymentProvider({ secretKey: SECRET_KEY, apiUrl, maxNetworkRetries: 5 });
    api.latencyMs = 150;
    const key = randomKey();
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => authorize(key, 'pm_card_visa', 2500, retrying)));
    const references = new Set(
      outcomes.map((outcome) => (outcome.outcome === 'approved' ? outcome.payment.reference : outcome.outcome)),
    );
    expect([...references]).toEqual([expect.stringMatching(/^pi_/)]);
    expect(api.account.intents.size).toBe(1);
    expect(api.requests.some((request) => request.replayed)).toBe(true);
  });

  it('reports an answer still in progress, rate limits, outages and bad keys as typed failures', async () => {
    api.failNext(409, {
      type: 'invalid_request_error',
      code: 'idempotency_key_in_use',
      message: 'There is currently another in-progress request using this Idempotent Key.',
    });
    expect(await authorize(randomKey(), 'pm_card_visa')).toMatchObject({
      outcome: 'failed',
      code: 'in_progress',
      retryable: true,
    });
    api.failNext(429, {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly.',
    });
    expect(await authorize(randomKey(), 'pm_card_visa')).toMatchObject({
      outcome: 'failed',
      code: 'rate_limited',
      retryable: true,
    });
    api.failNext(
      500,
      { type: 'api_error', message: 'Something went wrong on our end.' },
      { 'stripe-should-retry': 'false' },
    );
    expect(await authorize(randomKey(), 'pm_card_visa')).toMatchObject({
      outcome: 'failed',
      code: 'unavailable',
      retryable: true,
    });
    const wrongKey = new StripePaymentProvider({ secretKey: 'sk_test_wrong', apiUrl, maxNetworkRetries: 0 });
    expect(await authorize(randomKey(), 'pm_card_visa', 2500, wrongKey)).toMatchObject({
      outcome: 'failed',
      code: 'misconfigured',
      retryable: false,
    });
    await api.close();
    expect(await authorize(randomKey(), 'pm_card_visa')).toMatchObject({
      outcome: 'failed',
      code: 'unavailable',
      retryable: true,
    });
    expect(api.account.intents.size).toBe(0);
  });

  it('refuses bad input before calling Stripe, and Stripe refusals as invalid input', async () => {
    const key = randomKey();
    for (const refusal of [
      stripe.authorize({ key, amountCents: 2500, currency: 'USD', method: { card: '4242 4242 4242 4242' } }),
      authorize(key, 'card_1234'),
      authorize(key, 'pm_card_visa', 0),
      stripe.authorize({ key, amountCents: 2500, currency: 'usd', method: { paymentMethod: 'pm_card_visa' } }),
      authorize('bad key', 'pm_card_visa'),
    ]) {
      expect(await refusal).toMatchObject({ outcome: 'rejected', code: 'INVALID_INPUT' });
    }
    expect(api.requests).toHaveLength(0);
    expect(await authorize(randomKey(), 'pm_unknown')).toMatchObject({ outcome: 'rejected', code: 'INVALID_INPUT' });
    expect(await authorize(randomKey(), 'pm_card_visa', 10)).toMatchObject({
      outcome: 'rejected',
      code: 'INVALID_INPUT',
      message: 'Amount must be at least $0.50 usd',
    });
  });
});
