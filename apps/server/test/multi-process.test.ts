import { startServer, type RunningServer } from '@liveshop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockMessage } from '@liveshop/protocol';
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
  testOptions,
  type Isolation,
} from './harness.js';
import { spawnServer, type ChildServer } from './spawn-server.js';

/**
 * Two server processes on one Redis (and, when PostgreSQL is available, one database): this test
 * process runs A, a child process runs B.
 */
let scope: Isolation;
let a: RunningServer;
let b: ChildServer;
const sharedDatabase = () => scope.databaseUrl !== 'memory://';

const products = [
  { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
  { sku: 'DROP', title: 'Drop', priceCents: 9900, currency: 'USD', limitPerShopper: 0 },
];

beforeAll(async () => {
  scope = isolation();
  const options = testOptions(scope, { shopperReservesPerSecond: 10_000 });
  const bOptions = sharedDatabase() ? options : { ...options, databaseUrl: 'memory://' };
  [a, b] = await Promise.all([startServer(options), spawnServer(bOptions)]);
  await createEvent(a, { id: 'multi', products }, { TEE: 300, DROP: 150 });
  // Without a shared database, B needs the catalog too; the stock is Redis's and already shared.
  if (!sharedDatabase()) await createEvent(b, { id: 'multi', products });
}, 60_000);

afterAll(async () => {
  closeClients();
  await Promise.all([a?.close(), b?.stop()]);
  await dropIsolation(scope);
});

async function viewer(server: { url: string }) {
  const { socket } = await shopper(server);
  const joined = await request(socket, 'join', { eventId: 'multi' });
  expect(joined.ok).toBe(true);
  const stock: StockMessage[] = [];
  const pinned: string[][] = [];
  const chat: string[] = [];
  socket.on('stock', (message: StockMessage) => stock.push(message));
  socket.on('pinned', (message: { skus: string[] }) => pinned.push(message.skus));
  socket.on('chat', (message: { text: string }) => chat.push(message.text));
  const latest = (sku: string) => {
    const items = stock.flatMap((m) => m.items.filter((i) => i.sku === sku));
    return items.at(-1);
  };
  return { socket, joined, stock, pinned, chat, latest };
}

describe('two processes on one Redis', () => {
  it('shows viewers on B the reserves made on A and the admin changes', async () => {
    const onB = await Promise.all([viewer(b), viewer(b), viewer(b)]);
    const onA = await viewer(a);
    const buyer = await shopper(a);
    const held = await request(buyer.socket, 'reserve', {
      eventId: 'multi',
      sku: 'TEE',
      qty: 1,
      idempotencyKey: idem(),
    });
    expect(held).toMatchObject({ ok: true, available: 299 });
    await eventually(() => onB.every((v) => v.latest('TEE')?.available === 299));

    const stock = await admin(a, 'PUT', '/api/admin/events/multi/stock', { items: [{ sku: 'TEE', quantity: 500 }] });
    expect(stock.status).toBe(200);
    await eventually(() => [...onB, onA].every((v) => v.latest('TEE')?.available === 499));

    const host = await client(a, '/host', {
      token: (await admin(a, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'multi' })).body.token,
    });
    expect((await request(host, 'pin', { eventId: 'multi', skus: ['TEE'] })).ok).toBe(true);
    await eventually(() => onB.every((v) => v.pinned.length === 1));
    expect((await viewer(b)).joined.pinned).toEqual(['TEE']);

    expect((await request(onB[0]!.socket, 'chat:send', { eventId: 'multi', text: 'from B' })).ok).toBe(true);
    await eventually(() => onA.chat.includes('from B'));

    // Each viewer got each change once: the fan-out of each process reaches only its own sockets.
    for (const v of [...onB, onA]) {
      const versions = v.stock.flatMap((m) => m.items.filter((i) => i.sku === 'TEE').map((i) => i.version));
      expect(new Set(versions).size).toBe(versions.length);
    }
  });

  it('never oversells a burst split across both processes', async () => {
    const watchers = await Promise.all([viewer(a), viewer(b)]);
    const buyers = await Promise.all(Array.from({ length: 40 }, (_, i) => shopper(i % 2 === 0 ? a : b)));
    const acks = await Promise.all(
      buyers.flatMap(({ socket }) =>
        Array.from({ length: 10 }, () =>
          request(socket, 'reserve', { eventId: 'multi', sku: 'DROP', qty: 1, idempotencyKey: idem() }),
        ),
      ),
    );
    const granted = acks.filter((ack) => ack.ok).length;
    const soldOut = acks.filter((ack) => ack.error?.code === 'SOLD_OUT').length;
    expect(granted).toBe(150);
    expect(soldOut).toBe(250);
    const [drop] = (await a.inventory.snapshot('multi')).filter((s) => s.sku === 'DROP');
    expect(drop).toMatchObject({ allocated: 150, available: 0, held: 150, sold: 0 });
    await eventually(() => watchers.every((w) => w.latest('DROP')?.version === drop!.version));
    expect(watchers.every((w) => w.latest('DROP')?.available === 0)).toBe(true);
  });
});
