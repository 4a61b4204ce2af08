import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveshopError } from '@liveshop/protocol';
import { createFixture, type Fixture } from './redis.js';

describe('event config', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('starts scheduled with a 300 s TTL and merges partial updates', async () => {
    expect(await f.store.getEventConfig('e')).toBeNull();
    await f.store.configureEvent('e', { limits: { tee: 2 } });
    expect(await f.store.getEventConfig('e')).toEqual({ status: 'scheduled', holdTtlSeconds: 300, limits: { tee: 2 } });
    await f.store.configureEvent('e', { status: 'live', holdTtlSeconds: 45 });
    expect(await f.store.getEventConfig('e')).toEqual({ status: 'live', holdTtlSeconds: 45, limits: { tee: 2 } });
    await f.store.configureEvent('e', { limits: { hat: 1, cap: 0 } });
    expect(await f.store.getEventConfig('e')).toEqual({ status: 'live', holdTtlSeconds: 45, limits: { hat: 1 } });
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
