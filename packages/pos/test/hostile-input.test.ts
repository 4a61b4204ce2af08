import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createGenericWebhookAdapter,
  createShopifyWebhookAdapter,
  createSquareWebhookAdapter,
  signGenericWebhook,
  signShopifyWebhook,
  signSquareWebhook,
  type RawWebhookRequest,
  type WebhookAdapter,
} from '@liveshop/pos';
import { delivery } from './fixtures.js';

const secret = 'hostile-test-secret';
const url = 'https://shop.example.com/webhooks/square';

/** Each adapter with a way to sign an arbitrary body for it, so hostile bodies get past the signature. */
const adapters: [string, WebhookAdapter, (body: string) => RawWebhookRequest][] = [
  [
    'shopify',
    createShopifyWebhookAdapter({ secret, maxBytes: 64 * 1024 }),
    (body) => delivery(body, signShopifyWebhook({ secret, topic: 'inventory_levels/update', body }).headers),
  ],
  [
    'square',
    createSquareWebhookAdapter({ signatureKey: secret, notificationUrl: url, maxBytes: 64 * 1024 }),
    (body) => delivery(body, signSquareWebhook({ signatureKey: secret, notificationUrl: url, body }).headers),
  ],
  [
    'generic',
    createGenericWebhookAdapter({ secret, maxBytes: 64 * 1024 }),
    (body) => delivery(body, signGenericWebhook({ secret, body }).headers),
  ],
];

describe.each(adapters)('%s adapter under hostile input', (_name, adapter, sign) => {
  it('answers a missing body or headers with a refusal instead of throwing', () => {
    for (const request of [
      undefined,
      null,
      {},
      { rawBody: 'text', headers: {} },
      { rawBody: Buffer.from('{}'), headers: null },
      { rawBody: Buffer.from('{}') },
    ]) {
      const result = adapter.receive(request as unknown as RawWebhookRequest);
      expect(result.ok).toBe(false);
    }
  });

  it('refuses an oversized body before checking anything else', () => {
    const big = Buffer.alloc(64 * 1024 + 1, 0x20);
    expect(adapter.receive(delivery(big, {}))).toMatchObject({ code: 'too_large', httpStatus: 413 });
  });

  it('refuses an unsigned deeply nested body at the signature, without parsing it', () => {
    const deep = '['.repeat(60_000) + ']'.repeat(60_000);
    const huge = createShopifyWebhookAdapter({ secret, maxBytes: 1 << 20 });
    expect(huge.receive(delivery(deep, { 'x-shopify-hmac-sha256': 'AAAA' }))).toMatchObject({ code: 'bad_signature' });
    expect(adapter.receive(delivery(deep.slice(0, 60_000), {}))).toMatchObject({ code: 'bad_signature' });
  });

  it('refuses signed bodies that are not the format: deep nesting, not JSON, wrong JSON types', () => {
    for (const body of [
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      '{"a":',
      'not json',
      'null',
      '[]',
      '"str"',
      '42',
      '',
      '{"__proto__":{"polluted":true}}',
    ]) {
      const result = adapter.receive(sign(body));
      expect(result, body.slice(0, 30)).toMatchObject({ ok: false, code: 'malformed', httpStatus: 400 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws on random bytes and random headers, and never accepts them', () => {
    const names = [
      'x-shopify-hmac-sha256',
      'x-shopify-topic',
      'x-square-hmacsha256-signature',
      'x-liveshop-signature',
      'x-shopify-event-id',
    ];
    for (let i = 0; i < 500; i++) {
      const headers: Record<string, string | string[] | undefined> = {};
      for (const name of names) {
        const pick = randomBytes(1)[0]! % 4;
        headers[name] =
          pick === 0
            ? undefined
            : pick === 1
              ? randomBytes(32).toString('base64')
              : pick === 2
                ? [randomBytes(8).toString('hex')]
                : `sha256=${randomBytes(32).toString('hex')}`;
      }
      const result = adapter.receive(delivery(randomBytes(randomBytes(1)[0]! * 4), headers));
      expect(result.ok).toBe(false);
      if (!result.ok) expect([400, 401, 413]).toContain(result.httpStatus);
    }
  });

  it('reads only the headers object itself, never its prototype', () => {
    const signed = sign(
      '{"deliveryId":"d","occurredAt":0,"updates":[{"posItemId":"A","posLocationId":"B","onHand":1}]}',
    );
    const inherited = Object.create(signed.headers) as Record<string, string>;
    expect(adapter.receive({ rawBody: signed.rawBody, headers: inherited })).toMatchObject({ code: 'bad_signature' });
  });
});
