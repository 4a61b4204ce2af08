import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '@liveshop/server';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSku,
  closeSturdyClients,
  reserveUntilAnswered,
  sturdyShopper,
  sturdyViewer,
  tally,
  type SturdyViewer,
} from './burst-clients.js';
import {
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  idem,
  isolation,
  request,
  testOptions,
  type Isolation,
} from './harness.js';
import { hasRedisCli, PrivateCluster } from './private-cluster.js';
import { spawnServer, type ChildServer } from './spawn-server.js';

if (!hasRedisCli) console.warn('redis-cluster.test: skipped, redis-cli is not installed (it creates the cluster)');

/**
 * Two server processes on a real three-master Redis Cluster (`REDIS_URL=redis+cluster://…`), with
 * two events whose slots are on different masters: every script runs in its event's slot, the
 * fan-out reads each event on its own, and the socket.io adapter carries pins and chat.
 */
describe.skipIf(!hasRedisCli)('a Redis Cluster of three masters', () => {
  let cluster: PrivateCluster;
  let redis: Cluster;
  let scope: Isolation;
  let a: RunningServer;
  let b: ChildServer;
  const events: string[] = [];
  const sharedDatabase = () => scope.databaseUrl !== 'memory://';

  beforeAll(async () => {
    cluster = await PrivateCluster.start(3);
    redis = cluster.client();
    scope = isolation();
    // Two events on two different masters.
    const masters = new Set<number>();
    while (events.length < 2) {
      const id = `cl${randomBytes(3).toString('hex')}`;
      const port = await cluster.portOf(`${scope.keyPrefix}:{ev:${id}}:ledger`);
      if (masters.has(port)) continue;
      masters.add(port);
      events.push(id);
    }
    const options = testOptions(scope, { redisUrl: cluster.url, shopperReservesPerSecond: 1_000 });
    [a, b] = await Promise.all([
      startServer(options),
      spawnServer(sharedDatabase() ? options : { ...options, databaseUrl: 'memory://' }),
    ]);
    const products = [
      { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
      { sku: 'DROP', title: 'Drop', priceCents: 9900, currency: 'USD', limitPerShopper: 0 },
    ];
    for (const id of events) {
      await createEvent(a, { id, products }, { TEE: 100, DROP: 60 });
      if (!sharedDatabase()) await createEvent(b, { id, products });
    }
  }, 90_000);

  afterAll(async () => {
    closeSturdyClients();
    closeClients();
    await Promise.all([a?.close(), b?.stop()]);
    redis?.disconnect();
    await cluster?.destroy();
    if (scope) await dropIsolation(scope);
  });

  it('keeps each event in one slot, on different masters', async () => {
    for (const id of events) {
      const keys = [...(await scanCluster(redis, `${scope.keyPrefix}:{ev:${id}}:*`))];
      expect(keys.length).toBeGreaterThan(3);
      const slots = new Set(await Promise.all(keys.map((key) => redis.call('CLUSTER', 'KEYSLOT', key))));
      expect(slots.size).toBe(1);
    }
    const [first, second] = await Promise.all(events.map((id) => cluster.portOf(`${scope.keyPrefix}:{ev:${id}}:x`)));
    expect(first).not.toBe(second);
  });

  it('runs bursts on two events at once from two processes exactly, and viewers of both get the final stock', async () => {
    const viewers: [string, SturdyViewer][] = [];
    for (const id of events) for (const server of [a, b, a, b]) viewers.push([id, await sturdyViewer(server.url, id)]);
    const buyers = await Promise.all(Array.from({ length: 40 }, (_, i) => sturdyShopper((i % 2 ? a : b).url)));
    const acks = await Promise.all(
      events.map((id) =>
        Promise.all(
          buyers.flatMap((buyer) =>
            Array.from({ length: 3 }, () => reserveUntilAnswered(buyer, { eventId: id, sku: 'DROP', qty: 1 })),
          ),
        ),
      ),
    );
    for (const [index, id] of events.entries()) {
      const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks[index]!);
      expect(unexpected).toEqual([]);
      expect(uniqueHolds).toBe(60);
      expect(soldOut).toBe(60);
      const drop = await checkSku(redis, scope.keyPrefix, id, 'DROP');
      expect(drop.problems).toEqual([]);
      expect(drop.stock).toMatchObject({ allocated: 60, available: 0, held: 60 });
      expect(new Set(drop.holdIds)).toEqual(new Set(holdIds));
      const mine = viewers.filter(([eventId]) => eventId === id).map(([, v]) => v);
      await eventually(() => mine.every((v) => v.latest.get('DROP')?.version === drop.stock!.version));
      expect(mine.every((v) => v.latest.get('DROP')?.available === 0)).toBe(true);
    }

    // A release (its own script) and an admin change (allocate) on the second event reach its viewers.
    const [, second] = events;
    const buyer = await sturdyShopper(b.url);
    const held = await request(buyer.socket, 'reserve', {
      eventId: second,
      sku: 'TEE',
      qty: 2,
      idempotencyKey: idem(),
    });
    expect(held).toMatchObject({ ok: true, available: 98 });
    const released = await request(buyer.socket, 'release', {
      eventId: second,
      holdId: held.hold.id,
      idempotencyKey: idem(),
    });
    expect(released).toMatchObject({ ok: true, available: 100 });
    expect(
      (await admin(a, 'PUT', `/api/admin/events/${second}/stock`, { items: [{ sku: 'TEE', quantity: 250 }] })).status,
    ).toBe(200);
    const secondViewers = viewers.filter(([eventId]) => eventId === second).map(([, v]) => v);
    await eventually(() => secondViewers.every((v) => v.latest.get('TEE')?.available === 250));
  }, 60_000);

  it('carries pins and chat between the processes through the cluster', async () => {
    const [first] = events;
    const onA = await sturdyViewer(a.url, first!);
    const onB = await sturdyViewer(b.url, first!);
    const token = (await admin(a, 'POST', '/api/admin/tokens', { role: 'host', eventId: first })).body.token;
    const host = await client(a, '/host', { token });
    expect((await request(host, 'pin', { eventId: first, skus: ['DROP'] })).ok).toBe(true);
    await eventually(() => onB.pinned.at(-1)?.[0] === 'DROP' && onA.pinned.at(-1)?.[0] === 'DROP');
    expect((await request(onB.socket, 'chat:send', { eventId: first, text: 'over the cluster' })).ok).toBe(true);
    await eventually(() => onA.chat.includes('over the cluster'));
  }, 30_000);
});

/** Every key matching `pattern` on every master. */
async function scanCluster(cluster: Cluster, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}
