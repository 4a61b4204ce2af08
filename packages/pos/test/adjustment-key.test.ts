import { describe, expect, it } from 'vitest';
import { adjustmentKey, normaliseEmail, normalisePhone } from '@liveshop/pos';

describe('adjustmentKey', () => {
  it('is a version-5 UUID, the same for the same parts in every call', () => {
    const key = adjustmentKey('sale', 'order-1', 'shopify');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(adjustmentKey('sale', 'order-1', 'shopify')).toBe(key);
  });

  it('differs when any part differs, including where the parts are split', () => {
    const keys = new Set([
      adjustmentKey('sale', 'order-1', 'shopify'),
      adjustmentKey('sale', 'order-1', 'square'),
      adjustmentKey('refund', 'order-1', 'shopify'),
      adjustmentKey('sale', 'order-2', 'shopify'),
      adjustmentKey('ab', 'c'),
      adjustmentKey('a', 'bc'),
      adjustmentKey('abc'),
      adjustmentKey(1),
      adjustmentKey('1'),
    ]);
    expect(keys.size).toBe(8);
    const many = new Set(Array.from({ length: 10_000 }, (_, i) => adjustmentKey('sale', `order-${i}`)));
    expect(many.size).toBe(10_000);
  });
});

describe('customer identifiers', () => {
  it('normalises e-mail and phone for matching, and drops what is not one', () => {
    expect(normaliseEmail('  Jon@Example.COM ')).toBe('jon@example.com');
    expect(normaliseEmail('not an email')).toBeUndefined();
    expect(normalisePhone('+1 (613) 555-0199')).toBe('+16135550199');
    expect(normalisePhone('613.555.0199')).toBe('6135550199');
    expect(normalisePhone('555-555-SHIP')).toBeUndefined();
    expect(normalisePhone('12-34')).toBeUndefined();
    expect(normalisePhone(42)).toBeUndefined();
  });
});
