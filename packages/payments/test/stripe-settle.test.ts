import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StripePaymentProvider, type PaymentRef } from '@liveshop/payments';
import { randomKey } from './keys.js';
import { SECRET_KEY, StripeApiServer } from './stripe-api/server.js';

describe('Stripe provider capture, void, refund and retrieve', () => {
  let api: StripeApiServer;
  let stripe: StripePaymentProvider;
  beforeEach(async () => {
    api = new StripeApiServer();
    stripe = new StripePaymentProvider({ secretKey: SECRET_KEY, apiUrl: await api.start(), maxNetworkRetries: 0 });
  });
  afterEach(() => api.close());

  async function authorized(amountCents = 5000): Promise<PaymentRef> {
    const key = randomKey();
    const outcome = await stripe.authorize({
      key,
      amountCents,
      currency: 'EUR',
      method: { paymentMethod: 'pm_card_mastercard' },
    });
    if (outcome.outcome !== 'approved') throw new Error(JSON.stringify(outcome));
    return { key, reference: outcome.payment.reference };
  }

  const sentSince = (count: number) =>
    api.requests
      .slice(count)
      .map(({ method, path, query, form, idempotencyKey }) => ({ method, path, query, form, idempotencyKey }));

  it('captures with the capture key, replays it, and after Stripe forgot the key answers from the intent', async () => {
    const ref = await authorized();
    const before = api.requests.length;
    const captured = await stripe.capture({ ...ref, amountCents: 4000 });
    expect(captured).toEqual({
      outcome: 'approved',
      payment: {
        provider: 'stripe',
        key: ref.key,
        reference: ref.reference,
        state: 'captured',
        currency: 'EUR',
        amountCents: 5000,
        capturedCents: 4000,
        refundedCents: 0,
        card: { brand: 'mastercard', last4: '4444' },
      },
    });
    expect(sentSince(before)).toEqual([
      {
        method: 'POST',
        path: `/v1/payment_intents/${ref.reference}/capture`,
        query: [],
        form: [
          ['amount_to_capture', '4000'],
          ['expand[0]', 'latest_charge'],
        ],
        idempotencyKey: `${ref.key}:capture:4000`,
      },
    ]);
    expect(await stripe.capture({ ...ref, amountCents: 4000 })).toEqual(captured);
    expect(api.requests.at(-1)!.replayed).toBe(true);
    expect(await stripe.capture({ ...ref, amountCents: 5000 })).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });

    api.forgetIdempotencyKeys();
    expect(await stripe.capture({ ...ref, amountCents: 4000 })).toEqual(captured);
    expect(await stripe.capture(ref)).toMatchObject({ outcome: 'rejected', code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('captures the whole authorization without an amount, and refuses more than it', async () => {
    const ref = await authorized(3000);
    expect(await stripe.capture({ ...ref, amountCents: 3001 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
    const before = api.requests.length;
    expect(await stripe.capture(ref)).toMatchObject({ outcome: 'approved', payment: { capturedCents: 3000 } });
    expect(api.requests[before]).toMatchObject({
      form: [['expand[0]', 'latest_charge']],
      idempotencyKey: `${ref.key}:capture`,
    });
    expect(await stripe.capture({ ...ref, amountCents: 3000 })).toMatchObject({ outcome: 'approved' });
  });

  it('voids with cancellation_reason abandoned, replays, and refuses to void a captured payment', async () => {
    const ref = await authorized();
    const before = api.requests.length;
    const voided = await stripe.void(ref);
    expect(voided).toMatchObject({ outcome: 'approved', payment: { state: 'voided', capturedCents: 0 } });
    expect(sentSince(before)).toEqual([
      {
        method: 'POST',
        path: `/v1/payment_intents/${ref.reference}/cancel`,
        query: [],
        form: [
          ['cancellation_reason', 'abandoned'],
          ['expand[0]', 'latest_charge'],
        ],
        idempotencyKey: `${ref.key}:void`,
      },
    ]);
    api.forgetIdempotencyKeys();
    expect(await stripe.void(ref)).toEqual(voided);
    expect(await stripe.capture(ref)).toMatchObject({ outcome: 'rejected', code: 'INVALID_STATE' });

    const taken = await authorized();
    await stripe.capture(taken);
    expect(await stripe.void(taken)).toMatchObject({ outcome: 'rejected', code: 'INVALID_STATE' });
  });

  it('refunds in parts with a key per refund, found again after Stripe forgot the keys', async () => {
    const ref = await authorized(5000);
    await stripe.capture(ref);
    const before = api.requests.length;
    const first = await stripe.refund({ ...ref, refundKey: 'r1', amountCents: 1500 });
    expect(first).toEqual({
      outcome: 'approved',
      refund: {
        provider: 'stripe',
        key: ref.key,
        refundKey: 'r1',
        reference: expect.stringMatching(/^re_/),
        paymentReference: ref.reference,
        amountCents: 1500,
        currency: 'EUR',
        state: 'succeeded',
      },
    });
    expect(sentSince(before)).toEqual([
      {
        method: 'GET',
        path: '/v1/refunds',
        query: [
          ['payment_intent', ref.reference],
          ['limit', '100'],
        ],
        form: [],
        idempotencyKey: undefined,
      },
      {
        method: 'POST',
        path: '/v1/refunds',
        query: [],
        form: [
          ['payment_intent', ref.reference],
          ['amount', '1500'],
          ['metadata[liveshop_payment_key]', ref.key],
          ['metadata[liveshop_refund_key]', 'r1'],
        ],
        idempotencyKey: `${ref.key}:refund:r1`,
      },
    ]);
    api.forgetIdempotencyKeys();
    expect(await stripe.refund({ ...ref, refundKey: 'r1', amountCents: 1500 })).toEqual(first);
    expect(await stripe.refund({ ...ref, refundKey: 'r1', amountCents: 500 })).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(api.account.refunds.size).toBe(1);

    expect(await stripe.refund({ ...ref, refundKey: 'r2', amountCents: 3501 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
    // Stripe keeps the refusal under the refund's key: the corrected refund takes a new key.
    expect(await stripe.refund({ ...ref, refundKey: 'r2', amountCents: 3500 })).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await stripe.refund({ ...ref, refundKey: 'r3', amountCents: 3500 })).toMatchObject({ outcome: 'approved' });
    expect(await stripe.retrieve(ref)).toMatchObject({
      outcome: 'found',
      payment: { state: 'refunded', capturedCents: 5000, refundedCents: 5000 },
    });
    expect(await stripe.refund({ ...ref, refundKey: 'r4', amountCents: 1 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
  });

  it('refuses to refund an authorization that was not captured', async () => {
    const ref = await authorized();
    expect(await stripe.refund({ ...ref, refundKey: 'r1', amountCents: 100 })).toMatchObject({
      outcome: 'rejected',
      code: 'INVALID_STATE',
    });
  });

  it('retrieves by reference, or by key through search when the reference was lost', async () => {
    const ref = await authorized(2200);
    const before = api.requests.length;
    const byReference = await stripe.retrieve(ref);
    expect(byReference).toMatchObject({
      outcome: 'found',
      payment: { ...ref, state: 'authorized', amountCents: 2200 },
    });
    expect(await stripe.retrieve({ key: ref.key })).toEqual(byReference);
    expect(sentSince(before)).toEqual([
      {
        method: 'GET',
        path: `/v1/payment_intents/${ref.reference}`,
        query: [['expand[0]', 'latest_charge']],
        form: [],
        idempotencyKey: undefined,
      },
      {
        method: 'GET',
        path: '/v1/payment_intents/search',
        query: [
          ['query', `metadata['liveshop_payment_key']:'${ref.key}'`],
          ['expand[0]', 'data.latest_charge'],
        ],
        form: [],
        idempotencyKey: undefined,
      },
    ]);

    const declinedKey = randomKey();
    await stripe.authorize({
      key: declinedKey,
      amountCents: 900,
      currency: 'EUR',
      method: { paymentMethod: 'pm_card_visa_chargeDeclined' },
    });
    expect(await stripe.retrieve({ key: declinedKey })).toMatchObject({
      outcome: 'found',
      payment: { state: 'declined' },
    });

    expect(await stripe.retrieve({ key: randomKey() })).toEqual({ outcome: 'not_found' });
    expect(await stripe.retrieve({ key: randomKey(), reference: ref.reference })).toEqual({ outcome: 'not_found' });
    expect(await stripe.retrieve({ key: ref.key, reference: 'pi_doesnotexist' })).toEqual({ outcome: 'not_found' });
  });

  it('answers unknown intents as not found and outages as retryable', async () => {
    const missing = { key: randomKey(), reference: 'pi_doesnotexist' };
    expect(await stripe.capture(missing)).toMatchObject({ outcome: 'rejected', code: 'NOT_FOUND' });
    expect(await stripe.void(missing)).toMatchObject({ outcome: 'rejected', code: 'NOT_FOUND' });
    expect(await stripe.refund({ ...missing, refundKey: 'r', amountCents: 1 })).toMatchObject({
      outcome: 'rejected',
      code: 'NOT_FOUND',
    });
    expect(await stripe.capture({ key: missing.key, reference: 'ch_notanintent' })).toMatchObject({
      outcome: 'rejected',
      code: 'INVALID_INPUT',
    });
    const ref = await authorized();
    api.failNext(503, { type: 'api_error', message: 'Service unavailable' });
    expect(await stripe.capture(ref)).toMatchObject({ outcome: 'failed', code: 'unavailable', retryable: true });
    expect(await stripe.capture(ref)).toMatchObject({ outcome: 'approved' });
  });
});
