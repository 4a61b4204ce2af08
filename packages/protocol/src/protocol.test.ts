import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  LiveshopError,
  parseInput,
  reservePayload,
  httpStatusOf,
  isErrorCode,
  createEventBody,
  checkoutPayload,
  HOLD_END_REASONS,
} from '@liveshop/protocol';

describe('parseInput', () => {
  it('accepts a well-formed reserve', () => {
    expect(parseInput(reservePayload, { eventId: 'demo', sku: 'TEE-1', qty: 1, idempotencyKey: 'k1' })).toEqual({
      eventId: 'demo',
      sku: 'TEE-1',
      qty: 1,
      idempotencyKey: 'k1',
    });
  });

  it.each([
    ['fractional qty', { eventId: 'demo', sku: 'A', qty: 1.5, idempotencyKey: 'k' }, 'qty'],
    ['negative qty', { eventId: 'demo', sku: 'A', qty: -1, idempotencyKey: 'k' }, 'qty'],
    ['string qty', { eventId: 'demo', sku: 'A', qty: '1', idempotencyKey: 'k' }, 'qty'],
    ['huge sku', { eventId: 'demo', sku: 'A'.repeat(65), qty: 1, idempotencyKey: 'k' }, 'sku'],
    ['braces in sku', { eventId: 'demo', sku: 'a{b}', qty: 1, idempotencyKey: 'k' }, 'sku'],
    ['missing key', { eventId: 'demo', sku: 'A', qty: 1 }, 'idempotencyKey'],
    ['extra key', { eventId: 'demo', sku: 'A', qty: 1, idempotencyKey: 'k', __proto__x: 1 }, '(root)'],
  ])('refuses %s as INVALID_INPUT naming the field', (_name, input, path) => {
    try {
      parseInput(reservePayload, input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LiveshopError);
      expect((error as LiveshopError).code).toBe(ErrorCode.INVALID_INPUT);
      expect((error as LiveshopError).issues?.[0]?.path).toBe(path);
    }
  });

  it('refuses a payload whose own __proto__ key tries to pollute', () => {
    const input = JSON.parse('{"eventId":"demo","sku":"A","qty":1,"idempotencyKey":"k","__proto__":{"polluted":true}}');
    expect(() => parseInput(reservePayload, input)).toThrow(LiveshopError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fills event defaults', () => {
    const event = parseInput(createEventBody, { id: 'e1', title: 'Show' });
    expect(event.holdTtlSeconds).toBe(300);
    expect(event.status).toBe('scheduled');
    expect(event.products).toEqual([]);
  });
});

describe('error codes', () => {
  it('gives every code an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) expect(httpStatusOf[code]).toBeGreaterThanOrEqual(400);
    expect(isErrorCode('SOLD_OUT')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('checkout payload', () => {
  const valid = {
    eventId: 'demo',
    holdIds: ['h1a2b~TEE-1'],
    idempotencyKey: 'co-1',
    customer: { email: 'ada@example.com' },
    fulfilment: {
      type: 'ship',
      address: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
    payment: { provider: 'test', card: '4242 4242 4242 4242' },
  };

  it('accepts the documented shape, shipping or pickup', () => {
    expect(parseInput(checkoutPayload, valid)).toEqual(valid);
    const pickup = { ...valid, fulfilment: { type: 'pickup', locationId: 'store-1' } };
    expect(parseInput(checkoutPayload, pickup).fulfilment).toEqual({ type: 'pickup', locationId: 'store-1' });
    const stripe = { ...valid, payment: { provider: 'stripe', paymentMethod: 'pm_card_visa' } };
    expect(parseInput(checkoutPayload, stripe).payment.provider).toBe('stripe');
  });

  it.each([
    ['no holds', { ...valid, holdIds: [] }, 'holdIds'],
    ['a hold twice', { ...valid, holdIds: ['h1~A', 'h1~A'] }, 'holdIds'],
    ['a bad email', { ...valid, customer: { email: 'nope' } }, 'customer.email'],
    ['a card with letters', { ...valid, payment: { provider: 'test', card: '4242abcd' } }, 'payment.card'],
    ['an unknown provider', { ...valid, payment: { provider: 'paypal', card: '4242' } }, 'payment.provider'],
    [
      'a lower-case country',
      { ...valid, fulfilment: { type: 'ship', address: { ...valid.fulfilment.address, country: 'us' } } },
      'fulfilment.address.country',
    ],
    ['a pickup without location', { ...valid, fulfilment: { type: 'pickup' } }, 'fulfilment.locationId'],
  ])('refuses %s as INVALID_INPUT naming the field', (_name, input, path) => {
    try {
      parseInput(checkoutPayload, input);
      expect.unreachable();
    } catch (error) {
      expect((error as LiveshopError).code).toBe(ErrorCode.INVALID_INPUT);
      expect((error as LiveshopError).issues?.[0]?.path).toBe(path);
    }
  });

  it('carries a decline reason on the wire body', () => {
    const body = new LiveshopError(
      ErrorCode.PAYMENT_DECLINED,
      'Your card was declined.',
      undefined,
      'card_declined',
    ).toBody();
    expect(body).toEqual({ code: 'PAYMENT_DECLINED', message: 'Your card was declined.', reason: 'card_declined' });
    expect(httpStatusOf.PAYMENT_DECLINED).toBe(402);
    expect(HOLD_END_REASONS).toContain('purchased');
  });
});
