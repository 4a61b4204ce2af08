import { startServer, type RunningServer } from '@liveshop/server';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  checkSku,
  closeSturdyClients,
  reserveUntilAnswered,
  sturdyShopper,
  sturdyViewer,
  tally,
  type SturdyClient,
} from './burst-clients.js';
import {
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  REDIS_URL,
  testOptions,
  type Isolation,
} from './harness.js';
import { PrivateRedis } from './private-redis.js';

/**
 * Faults during a burst, each ending with oversell 0, the stock invariant holding, and the holds
 * on record exactly the holds shoppers were told of. (A server process SIGKILLed mid-burst is in
 * processes.test.ts, with the launcher that replaces it.)
 */
const products = [{ sku: 'DROP', title: 'Drop', priceCents: 9900, currency: 'USD', limitPerShopper: 0 }];
let server: RunningServer | undefined;
let scope: Isolation | undefined;
let privateRedis: PrivateRedis | undefined;

afterEach(async () => {
  closeSturdyClients();
  await server?.close();
  server = undefined;
  if (scope) await dropIsolation(scope);
  scope = undefined;
  await privateRedis?.destroy();
  privateRedis = undefined;
});
afterAll(() => closeSturdyClients());

/**
 * `shoppers` x `each` reserves of 1; `midway` runs once when `after` of them are answered. With
 * `throughFault`, a shopper whose `each` are answered while `midway` still runs goes on reserving
 * (up to 40 in all) until it is over, so reserves are in flight during the whole fault however fast
 * the others were answered.
 */
async function burst(
  shoppers: SturdyClient[],
  eventId: string,
  each: number,
  after: number,
  midway: () => Promise<void>,
  { throughFault = false } = {},
) {
  let answered = 0;
  let fault: Promise<void> | undefined;
  let faultOver = false;
  const acks = (
    await Promise.all(
      shoppers.map(async (shopper) => {
        const mine = [];
        for (let i = 0; i < each || (throughFault && fault && !faultOver && i < 40); i += 1) {
          mine.push(await reserveUntilAnswered(shopper, { eventId, sku: 'DROP', qty: 1 }, 45_000));
          answered += 1;
          if (answered === after) fault = midway().finally(() => (faultOver = true));
        }
        return mine;
      }),
    )
  ).flat();
  await fault;
  return acks;
}

describe('faults during a burst', () => {
  it('Redis (AOF) restarted mid-burst: nothing acknowledged is lost, clients resync', async () => {
    privateRedis = await PrivateRedis.start({ appendonly: true });
    scope = isolation();
    server = await startServer(testOptions(scope, { redisUrl: privateRedis.url, shopperReservesPerSecond: 1_000 }));
    await createEvent(server, { id: 'aof', products }, { DROP: 300 });
    const viewers = await Promise.all([sturdyViewer(server.url, 'aof'), sturdyViewer(server.url, 'aof')]);
    const shoppers = await Promise.all(Array.from({ length: 150 }, () => sturdyShopper(server!.url)));
    let restarted = false;
    const acks = await burst(
      shoppers,
      'aof',
      4,
      100,
      async () => {
        await privateRedis!.restart();
        restarted = true;
      },
      { throughFault: true },
    );
    expect(restarted).toBe(true);
    // Some reserves met the outage and were sent again (same key).
    expect(acks.some((ack) => ack.attempts > 1)).toBe(true);

    const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks);
    expect(unexpected).toEqual([]);
    expect(uniqueHolds).toBe(300);
    expect(soldOut).toBe(acks.length - 300);
    const redis = privateRedis.client();
    try {
      const drop = await checkSku(redis, scope.keyPrefix, 'aof', 'DROP');
      expect(drop.problems).toEqual([]);
      expect(drop.stock).toMatchObject({ allocated: 300, available: 0, held: 300, sold: 0 });
      expect(new Set(drop.holdIds)).toEqual(new Set(holdIds));
      // Viewers that stayed connected catch up from the ledger; a new one gets it in its snapshot.
      await eventually(() => viewers.every((v) => v.latest.get('DROP')?.version === drop.stock!.version), 10_000);
      expect(viewers.every((v) => v.latest.get('DROP')?.available === 0)).toBe(true);
      const late = await sturdyViewer(server.url, 'aof');
      expect(late.latest.get('DROP')).toMatchObject({ available: 0, version: drop.stock!.version });
    } finally {
      redis.disconnect();
    }
  }, 90_000);

  it('10% of shoppers dropping and reconnecting mid-burst', async () => {
    scope = isolation();
    server = await startServer(testOptions(scope, { redisUrl: REDIS_URL, shopperReservesPerSecond: 1_000 }));
    await createEvent(server, { id: 'flaky', products }, { DROP: 400 });
    const viewers = await Promise.all(Array.from({ length: 10 }, () => sturdyViewer(server!.url, 'flaky')));
    const shoppers = await Promise.all(Array.from({ length: 200 }, () => sturdyShopper(server!.url)));
    const droppers = [...shoppers.filter((_, i) => i % 10 === 0), viewers[0]!];
    const acks = await burst(shoppers, 'flaky', 4, 150, async () => {
      // The network drops under them: the transport closes, socket.io reconnects by itself.
      for (const client of droppers) client.socket.io.engine.close();
    });
    expect(droppers.every((client) => client.drops > 0)).toBe(true);
    await eventually(() => droppers.every((client) => client.socket.connected), 10_000);

    const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks);
    expect(unexpected).toEqual([]);
    expect(uniqueHolds).toBe(400);
    expect(soldOut).toBe(400);
    const redis = new Redis(REDIS_URL);
    try {
      const drop = await checkSku(redis, scope.keyPrefix, 'flaky', 'DROP');
      expect(drop.problems).toEqual([]);
      expect(drop.stock).toMatchObject({ allocated: 400, available: 0, held: 400, sold: 0 });
      expect(new Set(drop.holdIds)).toEqual(new Set(holdIds));
      // The viewer that dropped joined again (its resync) and ends on the final stock like the rest.
      await eventually(() => viewers[0]!.joins() > 1, 10_000);
      await eventually(() => viewers.every((v) => v.latest.get('DROP')?.version === drop.stock!.version), 10_000);
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});
