import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSku,
  closeSturdyClients,
  reserveUntilAnswered,
  sturdyShopper,
  sturdyViewer,
  tally,
  type SturdyClient,
  type SturdyViewer,
} from './burst-clients.js';
import {
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  REDIS_URL,
  request,
  TEST_DATABASE_URL,
  type Isolation,
} from './harness.js';
import { spawnCluster, startRefused, type ClusterServer } from './spawn-cluster.js';

/**
 * `LIVESHOP_PROCESSES=2`: the start command's own launcher, two server processes on one port and
 * one Redis, clients handed out by the primary. Which process a client is on is found by killing
 * one: the clients that lose their connection were on it.
 */
describe('LIVESHOP_PROCESSES with the embedded database', () => {
  it('refuses to start, saying PostgreSQL is needed', async () => {
    const { code, stderr } = await startRefused({ LIVESHOP_PROCESSES: '2', DATABASE_URL: '', REDIS_URL });
    expect(code).toBe(1);
    expect(stderr).toContain('2 processes need PostgreSQL (DATABASE_URL=postgres://…)');
    expect(stderr).toContain('PGlite database belongs to one process');
  });
});

describe.skipIf(!TEST_DATABASE_URL)('two server processes on one port (LIVESHOP_PROCESSES=2, PostgreSQL)', () => {
  let scope: Isolation;
  let server: ClusterServer;
  let redis: Redis;

  beforeAll(async () => {
    scope = isolation();
    server = await spawnCluster({
      LIVESHOP_PROCESSES: '2',
      REDIS_URL,
      DATABASE_URL: TEST_DATABASE_URL!,
      LIVESHOP_DB_SCHEMA: scope.dbSchema!,
      LIVESHOP_REDIS_PREFIX: scope.keyPrefix,
      LIVESHOP_SHOPPER_RATE_LIMIT: '1000',
    });
    redis = new Redis(REDIS_URL);
    const products = [
      { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
      { sku: 'DROP', title: 'Drop', priceCents: 9900, currency: 'USD', limitPerShopper: 0 },
      { sku: 'KILL', title: 'Kill', priceCents: 9900, currency: 'USD', limitPerShopper: 0 },
    ];
    await createEvent(server, { id: 'multi', products }, { TEE: 300, DROP: 150, KILL: 300 });
  }, 90_000);

  afterAll(async () => {
    closeSturdyClients();
    closeClients();
    await server?.stop();
    redis?.disconnect();
    if (scope) await dropIsolation(scope);
  });

  /** Kills worker `index` and waits for its replacement; returns which clients lost their connection. */
  async function killWorker(index: number, clients: SturdyClient[]): Promise<boolean[]> {
    const before = clients.map((c) => c.drops);
    const from = server.stderr().length;
    process.kill(server.pids.get(index)!, 'SIGKILL');
    await server.waitFor(new RegExp(`process ${index + 1} of 2 ready`), from);
    await eventually(() => clients.every((c) => c.socket.connected), 15_000);
    return clients.map((c, i) => c.drops > before[i]!);
  }

  it('splits a burst across both exactly, and stock, pins and chat reach viewers on both', async () => {
    const viewers: SturdyViewer[] = [];
    for (let i = 0; i < 8; i += 1) viewers.push(await sturdyViewer(server.url, 'multi'));
    const buyers = await Promise.all(Array.from({ length: 40 }, () => sturdyShopper(server.url)));

    // The burst: 400 reserves of 1 for 150 units, from shoppers on both processes.
    const acks = await Promise.all(
      buyers.flatMap((buyer) =>
        Array.from({ length: 10 }, () => reserveUntilAnswered(buyer, { eventId: 'multi', sku: 'DROP', qty: 1 })),
      ),
    );
    const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks);
    expect(unexpected).toEqual([]);
    expect(uniqueHolds).toBe(150);
    expect(soldOut).toBe(250);
    const drop = await checkSku(redis, scope.keyPrefix, 'multi', 'DROP');
    expect(drop.problems).toEqual([]);
    expect(drop.stock).toMatchObject({ allocated: 150, available: 0, held: 150, sold: 0 });
    expect(new Set(drop.holdIds)).toEqual(new Set(holdIds));
    await eventually(() => viewers.every((v) => v.latest.get('DROP')?.version === drop.stock!.version));
    expect(viewers.every((v) => v.latest.get('DROP')?.available === 0)).toBe(true);

    // An admin change, a pin from the host console, a chat line from a viewer: everyone gets each.
    expect(
      (await admin(server, 'PUT', '/api/admin/events/multi/stock', { items: [{ sku: 'TEE', quantity: 500 }] })).status,
    ).toBe(200);
    await eventually(() => viewers.every((v) => v.latest.get('TEE')?.available === 500));
    const token = (await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'multi' })).body.token;
    const host = await client(server, '/host', { token });
    expect((await request(host, 'pin', { eventId: 'multi', skus: ['TEE'] })).ok).toBe(true);
    await eventually(() => viewers.every((v) => v.pinned.at(-1)?.[0] === 'TEE'));
    expect((await request(viewers[0]!.socket, 'chat:send', { eventId: 'multi', text: 'hello both' })).ok).toBe(true);
    await eventually(() => viewers.every((v) => v.chat.includes('hello both')));

    // Polling is refused outright (a polling session's next request could reach the other process).
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(400);

    // Each viewer got each stock change at most once.
    for (const v of viewers) {
      const versions = v.stock.flatMap((m) => m.items.filter((i) => i.sku === 'TEE').map((i) => i.version));
      expect(new Set(versions).size).toBe(versions.length);
    }
    // And they were on both processes: killing the first drops some viewers and buyers, not all.
    const dropped = await killWorker(0, [...viewers, ...buyers]);
    const droppedViewers = dropped.slice(0, viewers.length).filter(Boolean).length;
    const droppedBuyers = dropped.slice(viewers.length).filter(Boolean).length;
    expect(droppedViewers).toBeGreaterThan(0);
    expect(droppedViewers).toBeLessThan(viewers.length);
    expect(droppedBuyers).toBeGreaterThan(0);
    expect(droppedBuyers).toBeLessThan(buyers.length);
    // The viewers that came back resynced: a new join, and the stock the event has.
    await eventually(() => viewers.every((v) => v.latest.get('TEE')?.available === 500), 10_000);
  }, 60_000);

  it('loses nothing when a process is SIGKILLed mid-burst: its shoppers reconnect to the other and carry on', async () => {
    const watchers = await Promise.all([sturdyViewer(server.url, 'multi'), sturdyViewer(server.url, 'multi')]);
    const buyers = await Promise.all(Array.from({ length: 120 }, () => sturdyShopper(server.url)));
    let answered = 0;
    let killed: Promise<boolean[]> | undefined;
    // 120 shoppers x 5 reserves of 1 for 300 units; process 2 dies once a fifth are answered.
    const acks = await Promise.all(
      buyers.map(async (buyer) => {
        const mine = [];
        for (let i = 0; i < 5; i += 1) {
          mine.push(await reserveUntilAnswered(buyer, { eventId: 'multi', sku: 'KILL', qty: 1 }, 45_000));
          answered += 1;
          if (answered === 120) killed = killWorker(1, buyers);
        }
        return mine;
      }),
    ).then((lists) => lists.flat());
    const dropped = await killed!;
    expect(dropped.filter(Boolean).length).toBeGreaterThan(0);
    expect(acks.some((ack) => ack.attempts > 1)).toBe(true);

    const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks);
    expect(unexpected).toEqual([]);
    expect(uniqueHolds).toBe(300);
    expect(soldOut).toBe(300);
    // Nothing acknowledged is lost and nothing is held that no one was told of.
    const kill = await checkSku(redis, scope.keyPrefix, 'multi', 'KILL');
    expect(kill.problems).toEqual([]);
    expect(kill.stock).toMatchObject({ allocated: 300, available: 0, held: 300, sold: 0 });
    expect(new Set(kill.holdIds)).toEqual(new Set(holdIds));
    await eventually(() => watchers.every((w) => w.latest.get('KILL')?.version === kill.stock!.version), 10_000);
    expect(watchers.every((w) => w.latest.get('KILL')?.available === 0)).toBe(true);
  }, 90_000);
});
