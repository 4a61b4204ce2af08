import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Anomaly } from '@liveshop/protocol';
import { startServer } from '@liveshop/server';
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
  shopper,
  startTestServer,
  testOptions,
} from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: Awaited<ReturnType<typeof startTestServer>>['server'];

beforeAll(async () => {
  harness = await startTestServer({ shopperReservesPerSecond: 1_000 });
  server = harness.server;
});
afterEach(() => closeClients());
afterAll(() => harness?.stop());

/** A moderator of the event, collecting every anomaly pushed to it. */
async function moderator(eventId: string, target: { url: string } = server) {
  const issued = await admin(target, 'POST', '/api/admin/tokens', { role: 'moderator', eventId });
  const socket = await client(target, '/moderator', { token: issued.body.token });
  const seen: Anomaly[] = [];
  socket.on('anomaly', (anomaly: Anomaly) => seen.push(anomaly));
  const joined = await request(socket, 'join', { eventId });
  expect(joined.ok).toBe(true);
  return { socket, seen, tokenId: issued.body.id as string, joined };
}

const rulesOf = (seen: Anomaly[]) => seen.map((anomaly) => `${anomaly.rule}:${anomaly.sku ?? ''}`);

/** Waits until a finding that raises for sure (the SKU `MARK` selling out) arrived: everything before it was examined. */
async function barrier(eventId: string, seen: Anomaly[]): Promise<void> {
  const { socket } = await shopper(server);
  expect((await request(socket, 'join', { eventId })).ok).toBe(true);
  const held = await request(socket, 'reserve', { eventId, sku: 'MARK', qty: 1, idempotencyKey: idem() });
  expect(held.ok).toBe(true);
  await eventually(() => seen.some((anomaly) => anomaly.rule === 'sold_out' && anomaly.sku === 'MARK'), 10_000);
}

const products = [
  { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
  { sku: 'MUG', title: 'Mug', priceCents: 1500, currency: 'USD', limitPerShopper: 0 },
  { sku: 'MARK', title: 'Marker', priceCents: 100, currency: 'USD', limitPerShopper: 0 },
];

describe('sold_out', () => {
  it('is raised when a SKU sells out, and not while units are left', async () => {
    await createEvent(server, { id: 'an-sold', products }, { TEE: 2, MUG: 3, MARK: 1 });
    const mod = await moderator('an-sold');
    const { socket } = await shopper(server);
    await request(socket, 'join', { eventId: 'an-sold' });
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await request(socket, 'reserve', { eventId: 'an-sold', sku: 'MUG', qty: 1, idempotencyKey: idem() })).ok,
      ).toBe(true);
    }
    expect(
      (await request(socket, 'reserve', { eventId: 'an-sold', sku: 'TEE', qty: 2, idempotencyKey: idem() })).ok,
    ).toBe(true);
    await eventually(() => rulesOf(mod.seen).includes('sold_out:TEE'), 10_000);
    const teeAnomaly = mod.seen.find((anomaly) => anomaly.sku === 'TEE')!;
    expect(teeAnomaly).toMatchObject({ eventId: 'an-sold', rule: 'sold_out', severity: 'info' });
    expect(teeAnomaly.message).toContain('TEE sold out');
    await barrier('an-sold', mod.seen);
    expect(rulesOf(mod.seen)).not.toContain('sold_out:MUG');
  });
});

describe('reserve_burst_actor', () => {
  it('is raised for one shopper reserving far above the others', async () => {
    await createEvent(server, { id: 'an-burst', products }, { TEE: 100, MARK: 1 });
    const mod = await moderator('an-burst');
    const bot = await shopper(server);
    const fans = await Promise.all([shopper(server), shopper(server)]);
    for (const { socket } of [bot, ...fans]) await request(socket, 'join', { eventId: 'an-burst' });
    for (const { socket } of fans)
      await request(socket, 'reserve', { eventId: 'an-burst', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    for (let i = 0; i < 22; i += 1) {
      await request(bot.socket, 'reserve', { eventId: 'an-burst', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    }
    await eventually(() => mod.seen.some((anomaly) => anomaly.rule === 'reserve_burst_actor'), 10_000);
    const burst = mod.seen.find((anomaly) => anomaly.rule === 'reserve_burst_actor')!;
    expect(burst).toMatchObject({ severity: 'warning', sku: 'TEE' });
    expect(burst.message).toContain(bot.shopperId);
  });

  it('is not raised when many shoppers reserve as much as each other (a busy drop)', async () => {
    await createEvent(server, { id: 'an-busy', products }, { TEE: 200, MARK: 1 });
    const mod = await moderator('an-busy');
    const crowd = await Promise.all(Array.from({ length: 6 }, () => shopper(server)));
    for (const { socket } of crowd) await request(socket, 'join', { eventId: 'an-busy' });
    for (let round = 0; round < 22; round += 1) {
      for (const { socket } of crowd) {
        await request(socket, 'reserve', { eventId: 'an-busy', sku: 'TEE', qty: 1, idempotencyKey: idem() });
      }
    }
    await barrier('an-busy', mod.seen);
    expect(mod.seen.filter((anomaly) => anomaly.rule === 'reserve_burst_actor')).toEqual([]);
  });
});

describe('mass_hold_expiry', () => {
  const holdMany = async (eventId: string, count: number) => {
    const shoppers = await Promise.all(Array.from({ length: 3 }, () => shopper(server)));
    for (const { socket } of shoppers) await request(socket, 'join', { eventId });
    const holds: { socket: Socket; id: string }[] = [];
    for (let i = 0; i < count; i += 1) {
      const { socket } = shoppers[i % shoppers.length]!;
      const held = await request(socket, 'reserve', { eventId, sku: 'TEE', qty: 1, idempotencyKey: idem() });
      expect(held.ok).toBe(true);
      holds.push({ socket, id: held.hold.id });
    }
    return holds;
  };

  it('is raised when most holds expire without checkout', async () => {
    await createEvent(server, { id: 'an-expiry', products }, { TEE: 100, MARK: 1 });
    await server.inventory.configureEvent('an-expiry', { holdTtlSeconds: 1 });
    const mod = await moderator('an-expiry');
    await holdMany('an-expiry', 24);
    await eventually(() => mod.seen.some((anomaly) => anomaly.rule === 'mass_hold_expiry'), 15_000);
    const mass = mod.seen.find((anomaly) => anomaly.rule === 'mass_hold_expiry')!;
    expect(mass).toMatchObject({ severity: 'warning', sku: 'TEE' });
    expect(mass.message).toMatch(/^2\d of 2\d holds/);
  });

  it('is not raised when shoppers release their holds, or only a few expire', async () => {
    await createEvent(server, { id: 'an-calm', products }, { TEE: 100, MARK: 1 });
    await server.inventory.configureEvent('an-calm', { holdTtlSeconds: 2 });
    const mod = await moderator('an-calm');
    const holds = await holdMany('an-calm', 30);
    for (const { socket, id } of holds.slice(0, 24)) {
      expect((await request(socket, 'release', { eventId: 'an-calm', holdId: id })).ok).toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await barrier('an-calm', mod.seen);
    expect(mod.seen.filter((anomaly) => anomaly.rule === 'mass_hold_expiry')).toEqual([]);
  });
});

describe('allocation_clamped', () => {
  it('is raised when an allocation cannot go below held + sold, and not for one that can', async () => {
    await createEvent(server, { id: 'an-clamp', products }, { TEE: 5, MUG: 5, MARK: 1 });
    const mod = await moderator('an-clamp');
    const { socket } = await shopper(server);
    await request(socket, 'join', { eventId: 'an-clamp' });
    expect(
      (await request(socket, 'reserve', { eventId: 'an-clamp', sku: 'TEE', qty: 3, idempotencyKey: idem() })).ok,
    ).toBe(true);
    const refused = await admin(server, 'PUT', '/api/admin/events/an-clamp/stock', {
      items: [{ sku: 'TEE', quantity: 2 }],
    });
    expect(refused.body.error?.code).toBe('ALLOCATION_BELOW_COMMITTED');
    await eventually(() => rulesOf(mod.seen).includes('allocation_clamped:TEE'), 10_000);
    expect(mod.seen.find((anomaly) => anomaly.rule === 'allocation_clamped')?.message).toBe(
      'TEE: allocation 2 could not be applied below 3 held + 0 sold; it stays 5',
    );
    expect(
      (await admin(server, 'PUT', '/api/admin/events/an-clamp/stock', { items: [{ sku: 'MUG', quantity: 1 }] })).status,
    ).toBe(200);
    await barrier('an-clamp', mod.seen);
    expect(rulesOf(mod.seen)).not.toContain('allocation_clamped:MUG');
  });
});

describe('POS signals (the rules that wait for the POS webhooks and the sync outbox)', () => {
  it('raise each rule past its threshold and not below it', async () => {
    await createEvent(server, { id: 'an-pos', products }, { TEE: 5, MARK: 1 });
    const mod = await moderator('an-pos');
    const signals = server.posSignals;
    // Below every threshold: nothing.
    signals.onHand({ eventId: 'an-pos', sku: 'TEE', onHand: 8, held: 3, soldNotSynced: 2 });
    for (let i = 0; i < 49; i += 1)
      signals.rejectedDelivery({ eventIds: ['an-pos'], provider: 'square', kind: 'duplicate' });
    signals.syncLag({ eventId: 'an-pos', lagSeconds: 30 });
    signals.syncFailed({
      eventId: 'an-pos',
      provider: 'shopify',
      key: 'sale-1',
      attempts: 2,
      deadLetter: false,
      error: 'timeout',
    });
    await barrier('an-pos', mod.seen);
    expect(mod.seen.map((anomaly) => anomaly.rule)).toEqual(['sold_out']);

    // Past them: one of each.
    signals.onHand({ eventId: 'an-pos', sku: 'TEE', onHand: -1, held: 3, soldNotSynced: 0 });
    signals.rejectedDelivery({ eventIds: ['an-pos'], provider: 'square', kind: 'stale' });
    signals.syncLag({ eventId: 'an-pos', lagSeconds: 45 });
    signals.syncFailed({
      eventId: 'an-pos',
      provider: 'shopify',
      key: 'sale-1',
      attempts: 8,
      deadLetter: true,
      error: 'timeout',
    });
    signals.badSignature({ eventIds: ['an-pos'], provider: 'shopify', ip: '203.0.113.9' });
    signals.badSignature({ eventIds: ['an-pos'], provider: 'shopify', ip: '203.0.113.9' });
    const expected = [
      'pos_negative_on_hand',
      'oversell_risk',
      'webhook_flood',
      'pos_sync_lag',
      'pos_sync_failed',
      'webhook_bad_signature',
    ];
    await eventually(() => expected.every((rule) => mod.seen.some((anomaly) => anomaly.rule === rule)), 10_000);
    expect(mod.seen.find((anomaly) => anomaly.rule === 'oversell_risk')).toMatchObject({
      severity: 'critical',
      sku: 'TEE',
    });
    expect(mod.seen.find((anomaly) => anomaly.rule === 'pos_sync_failed')?.severity).toBe('critical');
    // The second bad signature within the minute is folded into the first.
    expect(mod.seen.filter((anomaly) => anomaly.rule === 'webhook_bad_signature')).toHaveLength(1);
  });
});

describe('the feed', () => {
  it('is stored: a late moderator gets recent ones newest first, acknowledges one (who, when), and /metrics counts them by rule', async () => {
    await createEvent(server, { id: 'an-feed', products }, { TEE: 5, MARK: 1 });
    const first = await server.anomalies.raise({
      rule: 'oversell_risk',
      eventId: 'an-feed',
      severity: 'critical',
      sku: 'TEE',
      message: 'first',
    });
    const second = await server.anomalies.raise({
      rule: 'webhook_flood',
      eventId: 'an-feed',
      severity: 'warning',
      message: 'second',
    });
    const late = await moderator('an-feed');
    expect(late.joined.anomalies.map((anomaly: Anomaly) => anomaly.id)).toEqual([second!.id, first!.id]);
    const other = await moderator('an-feed');
    const told = new Promise((resolve) => other.socket.once('anomaly:acked', resolve));
    const acked = await request(late.socket, 'anomaly:ack', { eventId: 'an-feed', id: first!.id });
    expect(acked).toMatchObject({ ok: true, id: first!.id, ackedBy: late.tokenId });
    expect(Math.abs(acked.ackedAt - Date.now())).toBeLessThan(60_000);
    expect(await told).toMatchObject({ id: first!.id, ackedBy: late.tokenId });
    const again = await moderator('an-feed');
    expect(again.joined.anomalies.find((anomaly: Anomaly) => anomaly.id === first!.id)).toMatchObject({
      ackedBy: late.tokenId,
      ackedAt: acked.ackedAt,
    });
    expect((await request(late.socket, 'anomaly:ack', { eventId: 'an-feed', id: 'aNoSuchAnomaly' })).error?.code).toBe(
      'NOT_FOUND',
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/liveshop_anomalies_total\{rule="oversell_risk",severity="critical"\} [1-9]/);
    // Raising the same finding twice stores it once.
    const keyed = { rule: 'sold_out', eventId: 'an-feed', severity: 'info', message: 'x', dedupeKey: 'same' } as const;
    expect(await server.anomalies.raise(keyed)).not.toBeNull();
    expect(await server.anomalies.raise(keyed)).toBeNull();
  });
});

describe('the detector across processes', () => {
  it('runs on one process at a time, and another takes over when it stops', async () => {
    const scope = isolation();
    const a = await startServer(testOptions(scope));
    const b = await startServer(testOptions(scope));
    try {
      await createEvent(a, { id: 'an-two', products }, { TEE: 1, MUG: 1, MARK: 1 });
      await eventually(() => a.detector!.leading !== b.detector!.leading, 10_000);
      const [leader, follower] = a.detector!.leading ? [a, b] : [b, a];
      const mod = await moderator('an-two', follower);
      const { socket } = await shopper(follower);
      await request(socket, 'join', { eventId: 'an-two' });
      expect(
        (await request(socket, 'reserve', { eventId: 'an-two', sku: 'TEE', qty: 1, idempotencyKey: idem() })).ok,
      ).toBe(true);
      await eventually(() => rulesOf(mod.seen).includes('sold_out:TEE'), 10_000);
      await leader.close();
      await eventually(() => follower.detector!.leading, 10_000);
      expect(
        (await request(socket, 'reserve', { eventId: 'an-two', sku: 'MUG', qty: 1, idempotencyKey: idem() })).ok,
      ).toBe(true);
      await eventually(() => rulesOf(mod.seen).includes('sold_out:MUG'), 10_000);
      expect(rulesOf(mod.seen).filter((rule) => rule === 'sold_out:TEE')).toHaveLength(1);
    } finally {
      closeClients();
      await a.close();
      await b.close();
      await dropIsolation(scope);
    }
  });
});

describe('the detector after an upgrade from its consumer group', () => {
  it('resumes a ledger where the group was, without examining again what the group acknowledged', async () => {
    const scope = isolation();
    const eventId = 'an-resume';
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    type Server = Awaited<ReturnType<typeof startServer>>;
    const soldUnits = async (target: Server) => {
      const series = await redis.hgetall(target.inventory.keys.salesPerMinute(eventId));
      return Object.values(series).reduce((sum, units) => sum + Number(units), 0);
    };
    const sell = async (target: Server, shopperId: string) => {
      const held = await target.inventory.reserve({ eventId, sku: 'TEE', qty: 1, shopperId, idempotencyKey: idem() });
      if (!held.ok) throw new Error(held.error.code);
      const committed = await target.inventory.commit({
        eventId,
        holdIds: [held.hold.id],
        orderId: `order-${shopperId}`,
        idempotencyKey: `order-${shopperId}`,
      });
      expect(committed.ok).toBe(true);
    };
    const servers: Server[] = [await startServer(testOptions(scope))];
    try {
      const a = servers[0]!;
      await createEvent(a, { id: eventId, products }, { TEE: 5, MUG: 1, MARK: 1 });
      await sell(a, 'shopper-1');
      await sell(a, 'shopper-2');
      await eventually(async () => (await soldUnits(a)) === 2, 10_000);
      await a.close();
      // As a detector that read through the group left the ledger: every entry delivered and
      // acknowledged, and no position of its own.
      const ledger = a.inventory.keys.ledger(eventId);
      await redis.del(a.inventory.keys.detectorPosition(eventId));
      await redis.xgroup('CREATE', ledger, 'anomalies', '$');
      const b = await startServer(testOptions(scope));
      servers.push(b);
      await eventually(() => b.detector!.leading, 10_000);
      await sell(b, 'shopper-3');
      // Read from the start, the two earlier sales would be counted again with the third.
      await eventually(async () => (await soldUnits(b)) >= 3, 10_000);
      expect(await soldUnits(b)).toBe(3);
      const [last] = await redis.xrevrange(ledger, '+', '-', 'COUNT', 1);
      await eventually(async () => (await redis.get(b.inventory.keys.detectorPosition(eventId))) === last![0], 10_000);
    } finally {
      for (const target of servers) await target.close();
      redis.disconnect();
      await dropIsolation(scope);
    }
  });
});
