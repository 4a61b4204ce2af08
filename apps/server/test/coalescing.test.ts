import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockMessage } from '@liveshop/protocol';
import { closeClients, createEvent, eventually, idem, request, shopper, startTestServer } from './harness.js';

const RESERVES = 2_000;
const BUYERS = 20;
const VIEWERS = 5;

let harness: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  harness = await startTestServer({ shopperReservesPerSecond: 100_000 });
  await createEvent(harness.server, { id: 'burst' }, { TEE: 1_500 });
});
afterAll(async () => {
  closeClients();
  await harness?.stop();
});

describe('stock coalescing', () => {
  it(`sends each viewer far fewer stock messages than ${RESERVES} reserves, the last equal to the final stock`, async () => {
    const { server } = harness;
    const viewers = await Promise.all(
      Array.from({ length: VIEWERS }, async () => {
        const { socket } = await shopper(server);
        const joined = await request(socket, 'join', { eventId: 'burst' });
        expect(joined.ok).toBe(true);
        const messages: StockMessage[] = [];
        socket.on('stock', (message: StockMessage) => messages.push(message));
        return messages;
      }),
    );
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => shopper(server)));

    const acks = await Promise.all(
      buyers.flatMap(({ socket }) =>
        Array.from({ length: RESERVES / BUYERS }, () =>
          request(socket, 'reserve', { eventId: 'burst', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
        ),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(1_500);
    expect(acks.filter((ack) => ack.error?.code === 'SOLD_OUT')).toHaveLength(500);

    const [final] = await server.inventory.snapshot('burst').then((all) => all.filter((s) => s.sku === 'TEE'));
    const lastTee = (messages: StockMessage[]) =>
      messages.flatMap((m) => m.items.filter((item) => item.sku === 'TEE')).at(-1);
    await eventually(() => viewers.every((messages) => lastTee(messages)?.version === final!.version));

    for (const messages of viewers) {
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.length).toBeLessThan(RESERVES / 10);
      expect(lastTee(messages)).toEqual({
        sku: 'TEE',
        available: final!.available,
        version: final!.version,
        generation: final!.generation,
      });
      const versions = messages.flatMap((m) => m.items.map((item) => item.version));
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    }
    expect(final!.available).toBe(0);
  });
});
