import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, checkoutOf, holding } from './checkout-harness.js';
import { admin, closeClients, startTestServer } from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  harness = await startTestServer({ demo: true, demoStream: false });
});
afterAll(async () => {
  closeClients();
  await harness?.stop();
});

const pickupPlaces = async (sku: string) => {
  const response = await fetch(`${harness.server.url}/api/events/demo/locations?sku=${sku}`);
  expect(response.status).toBe(200);
  const { locations } = (await response.json()) as { locations: { id: string; name: string; available: number }[] };
  return locations.map(({ id, available }) => ({ id, available }));
};

describe('the demo shop', () => {
  it('has stores that offer pickup, with some of the show stock in them; the pooled counts are unchanged', async () => {
    const listed = await admin(harness.server, 'GET', '/api/admin/locations');
    expect(listed.status).toBe(200);
    expect(listed.body.locations).toEqual([
      { id: 'warehouse', name: 'Warehouse', address: '9 Dock Rd, Newark', pickup: false },
      { id: 'soho', name: 'SoHo store', address: '120 Prince St, New York', pickup: true },
      { id: 'brooklyn', name: 'Brooklyn store', address: '88 Wythe Ave, Brooklyn', pickup: true },
    ]);
    expect(await pickupPlaces('TEE-ORIGIN')).toEqual([
      { id: 'soho', available: 4 },
      { id: 'brooklyn', available: 3 },
    ]);
    expect(await pickupPlaces('MUG-EMBER')).toEqual([{ id: 'soho', available: 3 }]);
    expect(await pickupPlaces('CAP-TRAIL')).toEqual([]);
    const event = (await fetch(`${harness.server.url}/api/events/demo`).then((r) => r.json())) as {
      products: { sku: string; available: number }[];
    };
    expect(event.products.find((p) => p.sku === 'TEE-ORIGIN')?.available).toBe(40);
    expect(event.products.find((p) => p.sku === 'MUG-EMBER')?.available).toBe(25);
  });

  it('sells a tee for pickup at the Brooklyn store with a test card', async () => {
    const { socket, hold } = await holding(harness.server, 'demo', 'TEE-ORIGIN');
    const ack = await checkout(
      socket,
      checkoutOf('demo', [hold.id], { fulfilment: { type: 'pickup', locationId: 'brooklyn' } }),
    );
    expect(ack).toMatchObject({ ok: true, order: { status: 'confirmed', fulfilment: { locationId: 'brooklyn' } } });
    expect(await pickupPlaces('TEE-ORIGIN')).toEqual([
      { id: 'soho', available: 4 },
      { id: 'brooklyn', available: 2 },
    ]);
  });
});
