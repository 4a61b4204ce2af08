import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  LiveshopError,
  parseInput,
  reservePayload,
  httpStatusOf,
  isErrorCode,
  createEventBody,
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
