import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGenericWebhookAdapter, signGenericWebhook, type GenericBody } from '@liveshop/pos';
import { delivery, deliveryOf } from './fixtures.js';

const SECRET = 'lsp_0c5e1b9f7a2d4e6c8b0a1f3e5d7c9b2a';
const adapter = createGenericWebhookAdapter({ secret: SECRET });
const receive = (body: GenericBody | string) =>
  adapter.receive(deliveryOf(signGenericWebhook({ secret: SECRET, body })));

const counts = {
  deliveryId: 'till-7:2026-11-30:000412',
  occurredAt: '2026-11-30T10:15:00.250+01:00',
  updates: [
    { posItemId: 'SKU-RED-M', posLocationId: 'store-1', onHand: 0 },
    { posItemId: 'SKU-RED-M', posLocationId: 'store-2', onHand: -1 },
  ],
};

describe('generic POS webhook', () => {
  it('normalises counts, each update carrying the signed delivery id and time', () => {
    const occurredAt = Date.parse('2026-11-30T09:15:00.250Z');
    expect(receive(counts)).toEqual({
      ok: true,
      kind: 'inventory',
      provider: 'generic',
      topic: 'inventory',
      deliveryId: counts.deliveryId,
      updates: [
        {
          provider: 'generic',
          posItemId: 'SKU-RED-M',
          posLocationId: 'store-1',
          onHand: 0,
          occurredAt,
          deliveryId: counts.deliveryId,
        },
        {
          provider: 'generic',
          posItemId: 'SKU-RED-M',
          posLocationId: 'store-2',
          onHand: -1,
          occurredAt,
          deliveryId: counts.deliveryId,
        },
      ],
      skipped: [],
    });
    expect(receive({ ...counts, occurredAt: 1_764_494_100_250 })).toMatchObject({
      ok: true,
      updates: [{ occurredAt: 1_764_494_100_250 }, {}],
    });
  });

  it('normalises a sale with its customer identifiers', () => {
    const sale = {
      deliveryId: 'sale-000981',
      occurredAt: '2026-11-30T10:20:00Z',
      sale: {
        orderRef: 'R-000981',
        totalCents: 4599,
        currency: 'EUR',
        customer: { email: 'Grace@Example.org', phone: '+49 30 1234567', loyaltyId: 'L-42' },
        lines: [{ posItemId: 'SKU-RED-M', qty: 2 }],
      },
    };
    expect(receive(sale)).toEqual({
      ok: true,
      kind: 'sale',
      provider: 'generic',
      topic: 'sale',
      deliveryId: 'sale-000981',
      sale: {
        provider: 'generic',
        deliveryId: 'sale-000981',
        occurredAt: Date.parse('2026-11-30T10:20:00Z'),
        orderRef: 'R-000981',
        totalCents: 4599,
        currency: 'EUR',
        customer: { email: 'grace@example.org', phone: '+49301234567', loyaltyId: 'L-42' },
        lines: [{ posItemId: 'SKU-RED-M', qty: 2 }],
        test: false,
      },
    });
  });

  it('verifies sha256=<hex> of the raw body, in either hex case', () => {
    const body = JSON.stringify(counts);
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(adapter.receive(delivery(body, { 'x-liveshop-signature': `sha256=${hex.toUpperCase()}` })).ok).toBe(true);
    for (const header of [
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(1)}`,
      `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`,
      undefined,
    ]) {
      expect(adapter.receive(delivery(body, { 'x-liveshop-signature': header })), String(header)).toMatchObject({
        code: 'bad_signature',
        httpStatus: 401,
      });
    }
  });

  it('refuses bodies outside the documented format and bounds', () => {
    const sale = { orderRef: 'R1', totalCents: 100, currency: 'USD', customer: {}, lines: [] };
    const invalid: unknown[] = [
      { ...counts, extra: true },
      { ...counts, sale },
      { deliveryId: 'd', occurredAt: counts.occurredAt },
      { ...counts, updates: [] },
      { ...counts, updates: [{ posItemId: 'A', posLocationId: 'B', onHand: 1.5 }] },
      { ...counts, updates: [{ posItemId: 'A', posLocationId: 'B', onHand: '1' }] },
      { ...counts, updates: [{ posItemId: 'A', posLocationId: 'B', onHand: 2_000_000_000 }] },
      { ...counts, updates: [{ posItemId: 'has space', posLocationId: 'B', onHand: 1 }] },
      { ...counts, updates: [{ posItemId: 'x'.repeat(129), posLocationId: 'B', onHand: 1 }] },
      {
        ...counts,
        updates: Array.from({ length: 1001 }, (_, i) => ({ posItemId: `I${i}`, posLocationId: 'B', onHand: 1 })),
      },
      { ...counts, updates: [counts.updates[0], counts.updates[0]] },
      { ...counts, occurredAt: 'yesterday' },
      { ...counts, occurredAt: -1 },
      { ...counts, deliveryId: '' },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, currency: 'usd' } },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, currency: 'XYZ1' } },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, totalCents: -5 } },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, customer: { email: 'not-an-email' } } },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, customer: { name: 'Ada' } } },
      { deliveryId: 'd', occurredAt: 0, sale: { ...sale, lines: [{ posItemId: 'A', qty: 0 }] } },
      [],
      null,
      'a string',
    ];
    for (const body of invalid) {
      expect(receive(JSON.stringify(body)), JSON.stringify(body)?.slice(0, 80)).toMatchObject({
        ok: false,
        code: 'malformed',
        httpStatus: 400,
      });
    }
  });
});
