import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { StockMessage } from '@liveshop/protocol';
import { closeClients, createEvent, eventually, idem, request, shopper, startTestServer } from './harness.js';

// Enough viewers that one broadcast takes several slices of the event loop on a slow machine.
const WEBSOCKET_VIEWERS = 400;
const POLLING_VIEWERS = 10;
const UPGRADING_VIEWERS = 10;
const BUYERS = 10;
const UNITS = 600;
const JOINERS = 300;
const JOIN_UNITS = 400;

let harness: Awaited<ReturnType<typeof startTestServer>>;
const others: Socket[] = [];

beforeAll(async () => {
  harness = await startTestServer({ shopperReservesPerSecond: 100_000 });
  await createEvent(harness.server, { id: 'sliced' }, { TEE: UNITS });
  await createEvent(harness.server, { id: 'joining' }, { TEE: JOIN_UNITS });
});
afterAll(async () => {
  for (const socket of others) socket.disconnect();
  closeClients();
  await harness?.stop();
});

/** A viewer on a transport the direct frame write does not cover (long-polling, or polling then upgrading). */
async function viewerOn(transports: ('polling' | 'websocket')[]): Promise<Socket> {
  const socket = connect(`${harness.server.url}/shop`, { transports, forceNew: true, reconnection: false });
  others.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('sliced stock broadcast', () => {
  it('gives every viewer, whatever its transport, its stock messages in order and the final stock last', async () => {
    const { server } = harness;
    const sockets = [
      ...(await Promise.all(Array.from({ length: WEBSOCKET_VIEWERS }, async () => (await shopper(server)).socket))),
      ...(await Promise.all(Array.from({ length: POLLING_VIEWERS }, () => viewerOn(['polling'])))),
      ...(await Promise.all(Array.from({ length: UPGRADING_VIEWERS }, () => viewerOn(['polling', 'websocket'])))),
    ];
    const received = await Promise.all(
      sockets.map(async (socket) => {
        const messages: StockMessage[] = [];
        socket.on('stock', (message: StockMessage) => messages.push(message));
        const joined = await request(socket, 'join', { eventId: 'sliced' });
        expect(joined.ok).toBe(true);
        return messages;
      }),
    );
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => shopper(server)));

    // Reserves in waves, so several broadcasts go out while others are still being answered.
    let granted = 0;
    for (let wave = 0; wave < 6; wave += 1) {
      const acks = await Promise.all(
        buyers.flatMap(({ socket }) =>
          Array.from({ length: UNITS / BUYERS / 6 + 2 }, () =>
            request(socket, 'reserve', { eventId: 'sliced', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
          ),
        ),
      );
      granted += acks.filter((ack) => ack.ok).length;
      expect(acks.every((ack) => ack.ok || ack.error?.code === 'SOLD_OUT')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 30 * wave));
    }
    expect(granted).toBe(UNITS);

    const [final] = (await server.inventory.snapshot('sliced')).filter((s) => s.sku === 'TEE');
    const tee = (messages: StockMessage[]) => messages.flatMap((m) => m.items.filter((item) => item.sku === 'TEE'));
    await eventually(() => received.every((messages) => tee(messages).at(-1)?.version === final!.version), 10_000);
    for (const messages of received) {
      const versions = tee(messages).map((item) => item.version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
      expect(new Set(versions).size).toBe(versions.length);
      expect(tee(messages).at(-1)).toMatchObject({ available: 0, version: final!.version });
    }
  });
});

describe('joins during a burst', () => {
  it('leave every viewer knowing the final stock, from its join snapshot or a later push', async () => {
    const { server } = harness;
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => shopper(server)));
    const viewers = await Promise.all(Array.from({ length: JOINERS }, () => shopper(server)));
    // Each viewer's newest knowledge of TEE, by version, from the join ack and the pushes after it.
    const known = viewers.map(({ socket }) => {
      const latest = { version: -1, available: -1 };
      const learn = (item: { sku: string; available: number; version: number }) => {
        if (item.sku === 'TEE' && item.version > latest.version) Object.assign(latest, item);
      };
      socket.on('stock', (message: StockMessage) => message.items.forEach(learn));
      return { socket, latest, learn };
    });
    const reserving = Promise.all(
      buyers.flatMap(({ socket }) =>
        Array.from({ length: JOIN_UNITS / BUYERS + 5 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 3 * Math.random()));
          return request(socket, 'reserve', { eventId: 'joining', sku: 'TEE', qty: 1, idempotencyKey: idem() });
        }),
      ),
    );
    // The joins go out in random order while the reserves are running.
    const joining = Promise.all(
      known.map(async (viewer) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
        const ack = await request(viewer.socket, 'join', { eventId: 'joining' });
        expect(ack.ok).toBe(true);
        for (const product of ack.products as { sku: string; available: number; version: number }[]) {
          viewer.learn(product);
        }
      }),
    );
    const [acks] = await Promise.all([reserving, joining]);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(JOIN_UNITS);

    const [final] = (await server.inventory.snapshot('joining')).filter((s) => s.sku === 'TEE');
    expect(final!.available).toBe(0);
    await eventually(() => known.every((viewer) => viewer.latest.version === final!.version), 10_000);
    expect(known.every((viewer) => viewer.latest.available === 0)).toBe(true);
  });
});
