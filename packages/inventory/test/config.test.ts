import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveshopError } from '@liveshop/protocol';
import { codeOf, createFixture, type Fixture } from './redis.js';

describe('event config', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('starts scheduled with a 300 s TTL and merges partial updates', async () => {
    expect(await f.store.getEventConfig('e')).toBeNull();
    await f.store.configureEvent('e', { limits: { tee: 2 } });
    expect(await f.store.getEventConfig('e')).toEqual({
      status: 'scheduled',
      holdTtlSeconds: 300,
      limits: { tee: 2 },
      generation: 0,
    });
    await f.store.configureEvent('e', { status: 'live', holdTtlSeconds: 45 });
    expect(await f.store.getEventConfig('e')).toEqual({
      status: 'live',
      holdTtlSeconds: 45,
      limits: { tee: 2 },
      generation: 0,
    });
    await f.store.configureEvent('e', { limits: { hat: 1, cap: 0 } });
    expect(await f.store.getEventConfig('e')).toEqual({
      status: 'live',
      holdTtlSeconds: 45,
      limits: { hat: 1 },
      generation: 0,
    });
  });

  it('applies limits set before or after a SKU is allocated, and lifts them when replaced', async () => {
    const reserve = (shopperId: string, qty: number, key: string, sku = 'tee') =>
      f.store.reserve({ eventId: 'e', sku, qty, shopperId, idempotencyKey: key });
    await f.store.configureEvent('e', { status: 'live', limits: { tee: 2 } });
    // Not a SKU until allocated, though its limit is already stored.
    expect(codeOf(await reserve('s1', 1, 'k0'))).toBe('NOT_FOUND');
    await f.liveEvent('e', { tee: 10, hat: 10 });
    expect(codeOf(await reserve('s1', 3, 'k1'))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(await reserve('s1', 2, 'k2'))).toBe('ok');
    await f.store.configureEvent('e', { limits: { hat: 1 } });
    expect(codeOf(await reserve('s1', 3, 'k3'))).toBe('ok');
    expect(codeOf(await reserve('s1', 2, 'k4', 'hat'))).toBe('LIMIT_EXCEEDED');
    await f.store.configureEvent('e', { limits: {} });
    expect(codeOf(await reserve('s1', 2, 'k5', 'hat'))).toBe('ok');
    expect(await f.store.getEventConfig('e')).toEqual({
      status: 'live',
      holdTtlSeconds: 300,
      limits: {},
      generation: 0,
    });
  });

  it('refuses a bad config with INVALID_INPUT', async () => {
    const bad: unknown[] = [
      { status: 'open' },
      { holdTtlSeconds: 0 },
      { holdTtlSeconds: 7200 },
      { limits: { tee: -1 } },
      { x: 1 },
    ];
    for (const config of bad) {
      await expect(f.store.configureEvent('e', config as never)).rejects.toBeInstanceOf(LiveshopError);
    }
    await expect(f.store.configureEvent('bad id', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await f.store.getEventConfig('e')).toBeNull();
  });
});
