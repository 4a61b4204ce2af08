import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import {
  createSquareWebhookAdapter,
  signSquareWebhook,
  squareInventoryCountBody,
  type RawWebhookRequest,
} from '@liveshop/pos';
import { delivery, deliveryOf, fixture } from './fixtures.js';

const KEY = 'sq0wsk-7QJ1mVYb2Rk3x9T4fGZ0aw';
const URL_ = 'https://shop.example.com/webhooks/square';
const adapter = createSquareWebhookAdapter({ signatureKey: KEY, notificationUrl: URL_ });

function signed(body: Buffer | string, key = KEY, url = URL_): RawWebhookRequest {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  return delivery(body, signSquareWebhook({ signatureKey: key, notificationUrl: url, body: text }).headers);
}

const countBody = fixture('square/inventory-count-updated.json');

describe("Square's published signature example", () => {
  // The vector every official Square SDK tests its WebhooksHelper with; kept inline, byte for byte.
  const body = Buffer.from(
    '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
  );
  const vector = {
    key: 'Ibxx_5AKakO-3qeNVR61Dw',
    url: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
    signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
  };

  it('verifies (then ignores the test event type) and our signer produces the same signature', () => {
    const documented = createSquareWebhookAdapter({ signatureKey: vector.key, notificationUrl: vector.url });
    const result = documented.receive(delivery(body, { 'x-square-hmacsha256-signature': vector.signature }));
    expect(result).toMatchObject({
      ok: false,
      code: 'ignored_topic',
      httpStatus: 200,
      deliveryId: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
    });
    const ours = signSquareWebhook({
      signatureKey: vector.key,
      notificationUrl: vector.url,
      body: body.toString('utf8'),
    });
    expect(ours.headers['x-square-hmacsha256-signature']).toBe(vector.signature);
  });

  it("agrees with the official SDK's WebhooksHelper on what we sign", async () => {
    const ours = signSquareWebhook({ signatureKey: KEY, notificationUrl: URL_, body: countBody.toString('utf8') });
    const sdkAccepts = await WebhooksHelper.verifySignature({
      requestBody: ours.body,
      signatureHeader: ours.headers['x-square-hmacsha256-signature']!,
      signatureKey: KEY,
      notificationUrl: URL_,
    });
    expect(sdkAccepts).toBe(true);
    const sdkRefusesTampered = await WebhooksHelper.verifySignature({
      requestBody: `${ours.body} `,
      signatureHeader: ours.headers['x-square-hmacsha256-signature']!,
      signatureKey: KEY,
      notificationUrl: URL_,
    });
    expect(sdkRefusesTampered).toBe(false);
  });
});

describe('Square inventory.count.updated', () => {
  it("normalises Square's documented example", () => {
    expect(adapter.receive(signed(countBody))).toEqual({
      ok: true,
      kind: 'inventory',
      provider: 'square',
      topic: 'inventory.count.updated',
      deliveryId: 'df5f3813-a913-45a1-94e9-fdc3f7d5e3b6',
      account: '6SSW7HV8K2ST5',
      updates: [
        {
          provider: 'square',
          posItemId: 'FGQ5JJWT2PYTHF35CKZ2DSKP',
          posLocationId: 'YYQR03DGCTXA4',
          onHand: 10,
          occurredAt: Date.parse('2019-10-29T18:38:45.102Z'),
          deliveryId: 'df5f3813-a913-45a1-94e9-fdc3f7d5e3b6',
        },
      ],
      skipped: [],
    });
  });

  it('refuses a body signed for another notification URL, a tampered body, a wrong key', () => {
    expect(adapter.receive(signed(countBody, KEY, 'https://shop.example.com/webhooks/square/'))).toMatchObject({
      code: 'bad_signature',
      httpStatus: 401,
    });
    const { headers } = signed(countBody);
    const tampered = Buffer.from(countBody.toString('utf8').replace('"quantity": "10"', '"quantity": "99"'));
    expect(adapter.receive(delivery(tampered, headers))).toMatchObject({ code: 'bad_signature' });
    expect(adapter.receive(signed(countBody, 'another-key'))).toMatchObject({ code: 'bad_signature' });
  });

  it('refuses a missing or duplicated signature header', () => {
    const { headers } = signed(countBody);
    const signature = headers['x-square-hmacsha256-signature'] as string;
    expect(adapter.receive(delivery(countBody, {}))).toMatchObject({ code: 'bad_signature' });
    expect(
      adapter.receive(delivery(countBody, { 'x-square-hmacsha256-signature': [signature, signature] })),
    ).toMatchObject({ code: 'bad_signature' });
    expect(adapter.receive(delivery(countBody, { 'X-Square-HmacSha256-Signature': signature }))).toMatchObject({
      ok: true,
    });
  });

  it('takes a batch of 100 counts in order, skipping counts that are not on hand', () => {
    const counts = Array.from({ length: 100 }, (_, i) => ({
      catalogObjectId: `VAR${String(i).padStart(3, '0')}`,
      locationId: i % 2 ? 'LOC-B' : 'LOC-A',
      quantity: i,
      state: i % 10 === 9 ? 'SOLD' : 'IN_STOCK',
      calculatedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, 0, i)),
    }));
    const result = adapter.receive(signed(squareInventoryCountBody({ counts, eventId: 'evt-batch' })));
    if (!result.ok || result.kind !== 'inventory') throw new Error(JSON.stringify(result));
    expect(result.updates).toHaveLength(90);
    expect(result.skipped).toHaveLength(10);
    expect(result.skipped[0]).toEqual({ posItemId: 'VAR009', posLocationId: 'LOC-B', reason: 'not_on_hand' });
    expect(result.updates[0]).toEqual({
      provider: 'square',
      posItemId: 'VAR000',
      posLocationId: 'LOC-A',
      onHand: 0,
      occurredAt: Date.UTC(2026, 10, 30, 12),
      deliveryId: 'evt-batch',
    });
    expect(result.updates.map((update) => update.onHand)).toEqual(
      counts.filter((c) => c.state === 'IN_STOCK').map((c) => c.quantity),
    );
  });

  it('refuses a batch over ten times the documented maximum', () => {
    const counts = Array.from({ length: 1001 }, (_, i) => ({ catalogObjectId: `V${i}`, locationId: 'L', quantity: 1 }));
    expect(adapter.receive(signed(squareInventoryCountBody({ counts })))).toMatchObject({
      code: 'malformed',
      httpStatus: 400,
    });
  });

  it('reads decimal quantity strings as whole units and refuses what is not a decimal', () => {
    const cases: [string, number | undefined][] = [
      ['3.0', 3],
      ['-2', -2],
      ['2.5', 2],
      ['-0.5', -1],
      ['0.00000', 0],
      ['12.00001', 12],
      ['1e3', undefined],
      ['abc', undefined],
      ['', undefined],
      [' 3', undefined],
      ['+3', undefined],
      ['3.', undefined],
      ['0x10', undefined],
      ['1.123456', undefined],
      ['99999999999', undefined],
    ];
    for (const [quantity, expected] of cases) {
      const body = countBody.toString('utf8').replace('"quantity": "10"', `"quantity": ${JSON.stringify(quantity)}`);
      const result = adapter.receive(signed(body));
      if (expected === undefined) expect(result, quantity).toMatchObject({ ok: false, code: 'malformed' });
      else expect(result, quantity).toMatchObject({ ok: true, updates: [{ onHand: expected }] });
    }
  });

  it("orders a count without calculated_at by the event's created_at", () => {
    const body = countBody.toString('utf8').replace('"calculated_at": "2019-10-29T18:38:45.10296Z",', '');
    expect(adapter.receive(signed(body))).toMatchObject({
      ok: true,
      updates: [{ occurredAt: Date.parse('2019-10-29T18:38:45.455Z') }],
    });
  });

  it('answers an event type it does not handle with 200', () => {
    const body = countBody
      .toString('utf8')
      .replace('"type": "inventory.count.updated"', '"type": "catalog.version.updated"');
    expect(adapter.receive(signed(body))).toMatchObject({
      ok: false,
      code: 'ignored_topic',
      httpStatus: 200,
      topic: 'catalog.version.updated',
    });
  });
});

describe('Square payment.created', () => {
  const paymentBody = fixture('square/payment-created.json');

  it("normalises Square's documented example into a sale", () => {
    expect(adapter.receive(signed(paymentBody))).toEqual({
      ok: true,
      kind: 'sale',
      provider: 'square',
      topic: 'payment.created',
      deliveryId: '13b867cf-db3d-4b1c-90b6-2f32a9d78124',
      account: '6SSW7HV8K2ST5',
      sale: {
        provider: 'square',
        deliveryId: '13b867cf-db3d-4b1c-90b6-2f32a9d78124',
        occurredAt: Date.parse('2020-11-22T21:16:51.086Z'),
        orderRef: '03O3USaPaAaFnI6kkwB1JxGgBsUZY',
        totalCents: 100,
        currency: 'USD',
        customer: {},
        lines: [],
        posLocationId: 'S8GWD5R9QB376',
        test: false,
      },
    });
  });

  it('matches the buyer by e-mail and leaves out payments that took no money', () => {
    const withBuyer = paymentBody
      .toString('utf8')
      .replace(
        '"receipt_number": "hYy9",',
        '"receipt_number": "hYy9",\n        "buyer_email_address": " Ada.Lovelace@Example.COM ",',
      );
    expect(adapter.receive(signed(withBuyer))).toMatchObject({
      ok: true,
      sale: { customer: { email: 'ada.lovelace@example.com' } },
    });
    const withCustomer = paymentBody
      .toString('utf8')
      .replace(
        '"receipt_number": "hYy9",',
        '"receipt_number": "hYy9",\n        "customer_id": "JDKYHBWT1D4F8MFH63DBMEN8Y4",',
      );
    expect(adapter.receive(signed(withCustomer))).toMatchObject({
      ok: true,
      sale: { customer: {}, posCustomerId: 'JDKYHBWT1D4F8MFH63DBMEN8Y4' },
    });
    const failed = paymentBody.toString('utf8').replace('"status": "APPROVED"', '"status": "FAILED"');
    expect(adapter.receive(signed(failed))).toMatchObject({ ok: false, code: 'not_applicable', httpStatus: 200 });
  });
});

describe('Square adapter configuration', () => {
  it('needs a key and an absolute notification URL', () => {
    expect(() => createSquareWebhookAdapter({ signatureKey: '', notificationUrl: URL_ })).toThrow(TypeError);
    expect(() => createSquareWebhookAdapter({ signatureKey: KEY, notificationUrl: '/webhooks/square' })).toThrow(
      TypeError,
    );
  });

  it('round-trips what the signer builds', () => {
    const body = squareInventoryCountBody({ counts: [{ catalogObjectId: 'V1', locationId: 'L1', quantity: 4 }] });
    expect(
      adapter.receive(deliveryOf(signSquareWebhook({ signatureKey: KEY, notificationUrl: URL_, body }))),
    ).toMatchObject({ ok: true, updates: [{ onHand: 4 }] });
  });
});
