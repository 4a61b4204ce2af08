import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README_VARIABLES, environmentTableIn, environmentTableRows } from './env-docs.js';
import { environmentVariables, optionsFromEnv } from './env.js';
import { resolveOptions } from './options.js';

const protocolDoc = new URL('../../../../docs/protocol.md', import.meta.url);
const readme = new URL('../../../../README.md', import.meta.url);

/** A Markdown table's body rows, each cell trimmed (Prettier's padding is not content). */
function rowsOf(table: string): string[][] {
  return table
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe('the environment variables', () => {
  it('are the table docs/protocol.md shows (run `pnpm docs:env` after changing them)', async () => {
    const { table } = environmentTableIn(await readFile(protocolDoc, 'utf8'));
    expect(rowsOf(table)).toEqual(environmentTableRows());
  });

  it("are the README's configuration table, for the variables it names", async () => {
    const { table } = environmentTableIn(await readFile(readme, 'utf8'));
    expect(rowsOf(table)).toEqual(environmentTableRows(README_VARIABLES));
  });

  it('name no variable the server does not read in the README', () => {
    expect(() => environmentTableRows([...README_VARIABLES, 'LIVESHOP_NO_SUCH'])).toThrow(/LIVESHOP_NO_SUCH/);
  });

  it('each set an option of their own that resolveOptions accepts', () => {
    const options = environmentVariables.map((variable) => variable.option);
    expect(new Set(options).size).toBe(options.length);
    const samples: Record<string, string> = {
      PORT: '9000',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://liveshop@db.internal/shop',
      LIVESHOP_DB_SCHEMA: 'shop_one',
      LIVESHOP_DATA_DIR: '/var/lib/liveshop',
      LIVESHOP_ADMIN_KEY: 'admin-key-123',
      LIVESHOP_METRICS_KEY: 'metrics-key-123',
      LIVESHOP_METRICS_PORT: '9100',
      LIVESHOP_SESSION_SECRET: 'a-secret-of-sixteen+',
      LIVESHOP_IP_RATE_LIMIT: '0',
      LIVESHOP_SESSION_RATE_LIMIT: '5',
      LIVESHOP_SHOPPER_RATE_LIMIT: '3',
      LIVESHOP_ALLOWED_ORIGINS: 'https://shop.example',
      LIVESHOP_REDIS_PREFIX: 'shop',
      LIVESHOP_DEMO: 'on',
      LIVESHOP_DEMO_STREAM: 'off',
      LIVESHOP_WORKERS: 'no',
      LIVESHOP_ANALYTICS: 'off',
      LIVESHOP_PROCESSES: '4',
      LIVESHOP_TEST_PAYMENTS: 'on',
      STRIPE_SECRET_KEY: 'sk_test_0123456789',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      SHOPIFY_WEBHOOK_SECRET: 'shpss_secret',
      SQUARE_SIGNATURE_KEY: 'square-key',
      SQUARE_WEBHOOK_URL: 'https://shop.example/webhooks/square',
      LIVESHOP_POS_WEBHOOK_SECRET: 'pos-secret',
      SHOPIFY_SHOP_DOMAIN: 'shop.myshopify.com',
      SHOPIFY_ADMIN_TOKEN: 'shpat_token',
      SHOPIFY_API_URL: 'http://127.0.0.1:9200',
      SQUARE_ACCESS_TOKEN: 'square-token',
      SQUARE_API_URL: 'http://127.0.0.1:9300',
      LIVESHOP_POS_SYNC_MAX_ATTEMPTS: '5',
      LIVESHOP_POS_SYNC_BACKOFF_MS: '250',
      LIVESHOP_POS_SYNC_TIMEOUT_MS: '2000',
      LIVESHOP_INFLUENCE_WINDOW_HOURS: '72',
      LIVESHOP_PHONE_CALLING_CODE: '44',
      LIVESHOP_POS_RECONCILE_INTERVAL_MS: '0',
    };
    expect(Object.keys(samples).sort()).toEqual(environmentVariables.map((variable) => variable.name).sort());
    const resolved = resolveOptions(optionsFromEnv(samples));
    expect(resolved).toMatchObject({
      port: 9000,
      metricsPort: 9100,
      dataDir: '/var/lib/liveshop',
      ipRateLimitPerSecond: 0,
      sessionsPerIpPerMinute: 5,
      shopperReservesPerSecond: 3,
      allowedOrigins: ['https://shop.example'],
      testPayments: true,
      stripe: { secretKey: 'sk_test_0123456789', apiUrl: 'http://127.0.0.1:12111' },
      keyPrefix: 'shop',
      demo: true,
      demoStream: false,
      workers: false,
      analytics: false,
      dbSchema: 'shop_one',
      processes: 4,
      posReconcileIntervalMs: 0,
      squareWebhookUrl: 'https://shop.example/webhooks/square',
      posSyncMaxAttempts: 5,
      posSyncBackoffMs: 250,
      influenceWindowHours: 72,
      phoneCallingCode: '44',
    });
  });

  it('name the variable and the value they refuse', () => {
    expect(() => optionsFromEnv({ LIVESHOP_METRICS_PORT: '91OO' })).toThrow(
      'LIVESHOP_METRICS_PORT must be a whole number, got "91OO"',
    );
    expect(() => optionsFromEnv({ LIVESHOP_WORKERS: 'sometimes' })).toThrow(
      'LIVESHOP_WORKERS must be on or off, got "sometimes"',
    );
  });
});
