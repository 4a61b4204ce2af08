import { z } from 'zod';
import type { ServerOptions } from './options.js';

const ON = ['1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

/** How each kind of variable's text is read; a refusal says what was expected. */
const read = {
  text: z.string(),
  wholeNumber: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number),
  onOff: z
    .string()
    .toLowerCase()
    .refine((value) => ON.includes(value) || OFF.includes(value), 'must be on or off')
    .transform((value) => ON.includes(value)),
  commaList: z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
};

/** One environment variable: the option it sets, how its text is read, and what the docs say of it. */
export interface EnvironmentVariable {
  name: string;
  option: keyof ServerOptions;
  schema: z.ZodType<ServerOptions[keyof ServerOptions], string>;
  /** The docs' "meaning" column. */
  meaning: string;
  /**
   * The docs' "default" column when the option's own default does not say it (no default, or more
   * to tell); otherwise it is the option's default as {@link resolveOptions} fills it.
   */
  defaultText?: string;
}

/** Every variable the server reads, in the order `docs/protocol.md` lists them (`pnpm docs:env` writes that table). */
export const environmentVariables: readonly EnvironmentVariable[] = [
  { name: 'PORT', option: 'port', schema: read.wholeNumber, meaning: 'HTTP port' },
  { name: 'HOST', option: 'host', schema: read.text, meaning: 'interface to listen on' },
  {
    name: 'REDIS_URL',
    option: 'redisUrl',
    schema: read.text,
    meaning:
      'Redis holding live inventory, sessions of the socket.io adapter, chat, pins, rate limits; `redis+cluster://host:port,host:port` names a Redis Cluster (docs/scaling.md)',
  },
  {
    name: 'DATABASE_URL',
    option: 'databaseUrl',
    schema: read.text,
    meaning:
      '`postgres://…`: PostgreSQL for events, catalog, allocations, orders and analytics; `memory://`: throw-away embedded database',
    defaultText: 'unset: embedded PGlite in `pglite/` of `LIVESHOP_DATA_DIR`',
  },
  {
    name: 'LIVESHOP_DB_SCHEMA',
    option: 'dbSchema',
    schema: read.text,
    meaning:
      "PostgreSQL schema of the server's tables (created when missing), e.g. for several deployments on one database",
  },
  {
    name: 'LIVESHOP_DATA_DIR',
    option: 'dataDir',
    schema: read.text,
    meaning:
      "the server's own files: the embedded database (`pglite/`, when `DATABASE_URL` is unset) and the demo stream (`stream/`); a relative path is from the working directory",
  },
  {
    name: 'LIVESHOP_ADMIN_KEY',
    option: 'adminKey',
    schema: read.text,
    meaning: 'bearer key of the admin API (at least 8 characters)',
    defaultText:
      'demo mode: `dev-admin-key`; otherwise unset, and the admin API is off (said at start; every admin request answers `401`)',
  },
  {
    name: 'LIVESHOP_METRICS_KEY',
    option: 'metricsKey',
    schema: read.text,
    meaning: 'bearer key `GET /metrics` requires (at least 8 characters)',
    defaultText: 'unset: `/metrics` answers whoever reaches it',
  },
  {
    name: 'LIVESHOP_METRICS_PORT',
    option: 'metricsPort',
    schema: read.wholeNumber,
    meaning: 'serve `/metrics` and `/healthz` on this port (same `HOST`) instead of the public one',
    defaultText: 'unset: the public port',
  },
  {
    name: 'LIVESHOP_SESSION_SECRET',
    option: 'sessionSecret',
    schema: read.text,
    meaning: 'signs shopper sessions and staff tokens (at least 16 characters); every process must share it',
    defaultText:
      'unset: a random secret created once and kept in the database, so every process on that database shares it',
  },
  {
    name: 'LIVESHOP_IP_RATE_LIMIT',
    option: 'ipRateLimitPerSecond',
    schema: read.wholeNumber,
    meaning:
      'requests per second per client IP for each of reserve, release, join, leave, chat, beacons and `GET /api/events/:id`; `0` turns every per-IP limit off (new sessions included)',
  },
  {
    name: 'LIVESHOP_SESSION_RATE_LIMIT',
    option: 'sessionsPerIpPerMinute',
    schema: read.wholeNumber,
    meaning: 'new shopper sessions per minute per client IP',
  },
  {
    name: 'LIVESHOP_SHOPPER_RATE_LIMIT',
    option: 'shopperReservesPerSecond',
    schema: read.wholeNumber,
    meaning: 'reserves (and, counted apart, releases) per second per shopper session',
  },
  {
    name: 'LIVESHOP_ALLOWED_ORIGINS',
    option: 'allowedOrigins',
    schema: read.commaList,
    meaning: 'comma-separated origins allowed to open sockets and read the public API',
    defaultText: 'unset: any origin',
  },
  { name: 'LIVESHOP_REDIS_PREFIX', option: 'keyPrefix', schema: read.text, meaning: 'first part of every Redis key' },
  {
    name: 'LIVESHOP_DEMO',
    option: 'demo',
    schema: read.onOff,
    meaning:
      'demo mode: seed the `demo` event, serve the demo page and its stream, default admin key (`1`/`0`, also `on`/`off`)',
    defaultText: 'off; `scripts/start.sh` sets `1`',
  },
  {
    name: 'LIVESHOP_DEMO_STREAM',
    option: 'demoStream',
    schema: read.onOff,
    meaning: "start the demo's ffmpeg test stream when the demo is on",
  },
  {
    name: 'LIVESHOP_WORKERS',
    option: 'workers',
    schema: read.onOff,
    meaning: 'run the background workers (the hold sweeper) in this process; the stock fan-out always runs',
  },
  {
    name: 'LIVESHOP_ANALYTICS',
    option: 'analytics',
    schema: read.onOff,
    meaning:
      'record analytics facts (viewer sessions, samples, pins, beacons) in the database; off, beacons are answered `204` and stored nowhere',
  },
  {
    name: 'LIVESHOP_PROCESSES',
    option: 'processes',
    schema: read.wholeNumber,
    meaning:
      'server processes the start command runs on the one port (node:cluster with sticky sessions, see docs/scaling.md); more than 1 needs `DATABASE_URL=postgres://…`',
  },
  {
    name: 'LIVESHOP_TEST_PAYMENTS',
    option: 'testPayments',
    schema: read.onOff,
    meaning:
      'offer the `test` payment provider: its documented test cards approve, decline or fail without charging anyone (demos and tests only)',
    defaultText: 'demo mode: on; otherwise off',
  },
  {
    name: 'STRIPE_SECRET_KEY',
    option: 'stripe',
    schema: read.text.transform((secretKey) => ({ secretKey })),
    meaning:
      'offer the `stripe` payment provider with this secret key (`sk_live_…`, `sk_test_…`); checkouts send a PaymentMethod id from Stripe Elements',
    defaultText:
      'unset: no Stripe; with no payment provider at all the server says so at start and checkouts answer `PAYMENT_UNAVAILABLE`',
  },
  {
    name: 'STRIPE_API_URL',
    option: 'stripeApiUrl',
    schema: read.text,
    meaning: "replaces Stripe's API origin (tests, a proxy)",
    defaultText: 'unset: `https://api.stripe.com`',
  },
  {
    name: 'SHOPIFY_WEBHOOK_SECRET',
    option: 'shopifyWebhookSecret',
    schema: read.text,
    meaning: "the Shopify app's client secret, which signs `POST /webhooks/shopify` (`X-Shopify-Hmac-Sha256`)",
    defaultText: 'demo mode: `demo-shopify-webhook-secret`; otherwise unset, and that webhook answers `401`',
  },
  {
    name: 'SQUARE_SIGNATURE_KEY',
    option: 'squareSignatureKey',
    schema: read.text,
    meaning: "the Square webhook subscription's signature key (`x-square-hmacsha256-signature`)",
    defaultText: 'demo mode: `demo-square-signature-key`; otherwise unset, and that webhook answers `401`',
  },
  {
    name: 'SQUARE_WEBHOOK_URL',
    option: 'squareWebhookUrl',
    schema: read.text,
    meaning: 'the exact notification URL Square posts to (Square signs it with the body)',
    defaultText: 'demo mode: `http://localhost:8080/webhooks/square`; otherwise unset',
  },
  {
    name: 'LIVESHOP_POS_WEBHOOK_SECRET',
    option: 'posWebhookSecret',
    schema: read.text,
    meaning: 'signs the generic `POST /webhooks/pos` (`X-Liveshop-Signature: sha256=<hex>`)',
    defaultText: 'demo mode: `demo-pos-webhook-secret`; otherwise unset, and that webhook answers `401`',
  },
  {
    name: 'SHOPIFY_SHOP_DOMAIN',
    option: 'shopifyShopDomain',
    schema: read.text,
    meaning: '`<shop>.myshopify.com`; with `SHOPIFY_ADMIN_TOKEN`, each live sale adjusts Shopify inventory',
    defaultText: 'unset: no Shopify adjustments',
  },
  {
    name: 'SHOPIFY_ADMIN_TOKEN',
    option: 'shopifyAdminToken',
    schema: read.text,
    meaning: 'Admin API access token with `write_inventory`',
    defaultText: 'unset: no Shopify adjustments',
  },
  {
    name: 'SHOPIFY_API_URL',
    option: 'shopifyApiUrl',
    schema: read.text,
    meaning: 'an origin replacing `https://<shop>` for the Admin API (tests, a proxy)',
    defaultText: 'unset: `https://<SHOPIFY_SHOP_DOMAIN>`',
  },
  {
    name: 'SQUARE_ACCESS_TOKEN',
    option: 'squareAccessToken',
    schema: read.text,
    meaning: 'Square access token with `INVENTORY_WRITE`; with it, each live sale adjusts Square inventory',
    defaultText: 'unset: no Square adjustments',
  },
  {
    name: 'SQUARE_API_URL',
    option: 'squareApiUrl',
    schema: read.text,
    meaning: "replaces Square's base URL (tests, the sandbox)",
    defaultText: "unset: Square's production URL",
  },
  {
    name: 'LIVESHOP_POS_SYNC_MAX_ATTEMPTS',
    option: 'posSyncMaxAttempts',
    schema: read.wholeNumber,
    meaning: 'attempts of one POS adjustment before it is dead-lettered (and a `pos_sync_failed` anomaly recorded)',
  },
  {
    name: 'LIVESHOP_POS_SYNC_BACKOFF_MS',
    option: 'posSyncBackoffMs',
    schema: read.wholeNumber,
    meaning: 'first retry delay of a failed POS adjustment, doubled each attempt up to 5 minutes',
  },
  {
    name: 'LIVESHOP_POS_SYNC_TIMEOUT_MS',
    option: 'posSyncTimeoutMs',
    schema: read.wholeNumber,
    meaning: 'how long one call to a POS may take before it counts as a timeout (retried under the same key)',
  },
  {
    name: 'LIVESHOP_INFLUENCE_WINDOW_HOURS',
    option: 'influenceWindowHours',
    schema: read.wholeNumber,
    meaning:
      "hours after an event's end during which a counter sale or a later online order of a customer who watched counts as its influenced revenue",
  },
  {
    name: 'LIVESHOP_PHONE_CALLING_CODE',
    option: 'phoneCallingCode',
    schema: read.text,
    meaning: 'calling code (digits, no `+`) of phone numbers written without one, when customers are matched by phone',
  },
  {
    name: 'LIVESHOP_POS_RECONCILE_INTERVAL_MS',
    option: 'posReconcileIntervalMs',
    schema: read.wholeNumber,
    meaning:
      'how often one process pulls the POS counts of the open events that follow the POS and applies them (drift pushed to moderators); `0` turns it off',
  },
];

/**
 * Reads {@link ServerOptions} from environment variables ({@link environmentVariables}); unset or
 * blank ones are left out, for {@link resolveOptions} to fill. A value that does not read throws
 * here, with a message naming the variable, so the process stops before anything starts.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const options: Record<string, unknown> = {};
  for (const variable of environmentVariables) {
    const raw = env[variable.name]?.trim();
    if (!raw) continue;
    const parsed = variable.schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${variable.name} ${parsed.error.issues[0]?.message}, got "${raw}"`);
    options[variable.option] = parsed.data;
  }
  return options as ServerOptions;
}
