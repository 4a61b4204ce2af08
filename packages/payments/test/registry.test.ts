import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installTestProviderSchema,
  PaymentProviders,
  StripePaymentProvider,
  TEST_CARDS,
  TestPaymentProvider,
} from '@liveshop/payments';
import { randomKey } from './keys.js';
import { pgliteExecutor } from './sql-targets.js';
import { SECRET_KEY, StripeApiServer } from './stripe-api/server.js';

describe('PaymentProviders', () => {
  let db: PGlite;
  let api: StripeApiServer;
  let apiUrl: string;
  beforeAll(async () => {
    db = new PGlite('memory://');
    await installTestProviderSchema(pgliteExecutor(db));
    api = new StripeApiServer();
    apiUrl = await api.start();
  });
  afterAll(async () => {
    await db.close();
    await api.close();
  });

  it('offers nothing unless configured', () => {
    const none = new PaymentProviders({});
    expect(none.names).toEqual([]);
    expect(none.get('test')).toBeUndefined();
    expect(none.get('stripe')).toBeUndefined();
  });

  it('builds each configured provider under its name, and nothing for unknown names', async () => {
    const providers = new PaymentProviders({
      test: { sql: pgliteExecutor(db) },
      stripe: { secretKey: SECRET_KEY, apiUrl },
    });
    expect(providers.names).toEqual(['test', 'stripe']);
    expect(providers.get('test')).toBeInstanceOf(TestPaymentProvider);
    expect(providers.get('stripe')).toBeInstanceOf(StripePaymentProvider);
    for (const unknown of ['paypal', 'TEST', '__proto__', 'constructor', undefined, 42, { name: 'test' }]) {
      expect(providers.get(unknown)).toBeUndefined();
    }
    expect(
      await providers
        .get('test')!
        .authorize({ key: randomKey(), amountCents: 100, currency: 'USD', method: { card: TEST_CARDS.approve } }),
    ).toMatchObject({ outcome: 'approved', payment: { provider: 'test' } });
    expect(
      await providers
        .get('stripe')!
        .authorize({ key: randomKey(), amountCents: 100, currency: 'USD', method: { paymentMethod: 'pm_card_visa' } }),
    ).toMatchObject({ outcome: 'approved', payment: { provider: 'stripe' } });
  });

  it('refuses a Stripe configuration without a key or with an unusable URL', () => {
    expect(() => new PaymentProviders({ stripe: { secretKey: '' } })).toThrow(/secret key/);
    expect(() => new PaymentProviders({ stripe: { secretKey: SECRET_KEY, apiUrl: 'ftp://example.com' } })).toThrow(
      /URL/,
    );
    expect(() => new PaymentProviders({ stripe: { secretKey: SECRET_KEY, apiUrl: 'not a url' } })).toThrow();
  });
});
