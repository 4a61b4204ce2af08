import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  client,
  closeClients,
  createEvent,
  eventually,
  idem,
  request,
  shopper,
  startTestServer,
  type Reply,
} from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: { url: string };

beforeAll(async () => {
  harness = await startTestServer();
  server = harness.server;
});
afterEach(() => closeClients());
afterAll(() => harness?.stop());

const host = async (eventId: string) => {
  const issued = await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId });
  const socket = await client(server, '/host', { token: issued.body.token });
  expect((await request(socket, 'join', { eventId })).ok).toBe(true);
  return socket;
};

describe('drop', () => {
  it('refuses reserves with NOT_ON_SALE until startsAt, tells viewers, and shows late joiners the time', async () => {
    await createEvent(server, { id: 'drop-1' }, { TEE: 5, MUG: 5 });
    const { socket: viewer } = await shopper(server);
    expect((await request(viewer, 'join', { eventId: 'drop-1' })).ok).toBe(true);
    const console = await host('drop-1');
    const heard = new Promise((resolve) => viewer.once('drop', resolve));
    const startsAt = Date.now() + 1_500;
    expect(await request(console, 'drop', { eventId: 'drop-1', sku: 'TEE', startsAt })).toEqual({
      ok: true,
      drop: { eventId: 'drop-1', sku: 'TEE', startsAt },
    });
    expect(await heard).toEqual({ eventId: 'drop-1', sku: 'TEE', startsAt });
    const reserve = (sku: string) =>
      request(viewer, 'reserve', { eventId: 'drop-1', sku, qty: 1, idempotencyKey: idem() });
    expect(await reserve('TEE')).toMatchObject({ ok: false, error: { code: 'NOT_ON_SALE' } });
    expect((await reserve('MUG')).ok).toBe(true);
    const { socket: late } = await shopper(server);
    const snapshot = await request(late, 'join', { eventId: 'drop-1' });
    expect(snapshot.products.find((product: { sku: string }) => product.sku === 'TEE').onSaleAt).toBe(startsAt);
    expect(snapshot.products.find((product: { sku: string }) => product.sku === 'MUG').onSaleAt).toBeUndefined();
    await eventually(async () => (await reserve('TEE')).ok, 4_000);
  });

  it('refuses an unknown SKU and bad times', async () => {
    await createEvent(server, { id: 'drop-2' }, { TEE: 5 });
    const console = await host('drop-2');
    expect(
      (await request(console, 'drop', { eventId: 'drop-2', sku: 'GHOST', startsAt: Date.now() })).error?.code,
    ).toBe('NOT_FOUND');
    for (const startsAt of [-1, 1.5, 'soon', null]) {
      expect((await request(console, 'drop', { eventId: 'drop-2', sku: 'TEE', startsAt })).error?.code).toBe(
        'INVALID_INPUT',
      );
    }
  });
});

describe('figures', () => {
  it('count viewers, held and sold per product, and units sold per minute', async () => {
    await createEvent(server, { id: 'figures-1' }, { TEE: 10, MUG: 4 });
    const viewers = await Promise.all([shopper(server), shopper(server), shopper(server)]);
    for (const { socket } of viewers) expect((await request(socket, 'join', { eventId: 'figures-1' })).ok).toBe(true);
    const held = await request(viewers[0]!.socket, 'reserve', {
      eventId: 'figures-1',
      sku: 'TEE',
      qty: 2,
      idempotencyKey: idem(),
    });
    const bought = await request(viewers[1]!.socket, 'reserve', {
      eventId: 'figures-1',
      sku: 'MUG',
      qty: 1,
      idempotencyKey: idem(),
    });
    expect(held.ok && bought.ok).toBe(true);
    const committed = await harness.server.inventory.commit({
      eventId: 'figures-1',
      holdIds: [bought.hold.id],
      orderId: 'order-1',
      idempotencyKey: idem(),
    });
    expect(committed.ok).toBe(true);
    const console = await host('figures-1');
    let figures: Reply = { ok: true };
    await eventually(async () => {
      figures = (await request(console, 'figures', { eventId: 'figures-1' })).figures as Reply;
      // Summed: the commit may fall in the minute before the one being read.
      const units = figures.salesPerMinute.reduce((sum: number, minute: { units: number }) => sum + minute.units, 0);
      return figures.viewers === 3 && units === 1;
    }, 8_000);
    expect(figures).toMatchObject({ eventId: 'figures-1', heldUnits: 2, soldUnits: 1 });
    expect(figures.products).toEqual([
      { sku: 'TEE', title: 'Tee', allocated: 10, available: 8, held: 2, sold: 0 },
      { sku: 'MUG', title: 'Mug', allocated: 4, available: 3, held: 0, sold: 1 },
    ]);
    expect(figures.salesPerMinute).toHaveLength(30);
    // The unit above was sold by a commit with no checkout behind it: the orders table counts none.
    expect(figures).toMatchObject({ orders: 0, revenueCents: 0 });
    // Pushed to the host too, every few seconds.
    const pushed = await new Promise<Reply>((resolve) => console.once('figures', resolve));
    expect(pushed).toMatchObject({ eventId: 'figures-1', soldUnits: 1 });
  });
});
