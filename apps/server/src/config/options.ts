import { z } from 'zod';
import type { CheckoutFaultHook } from '../orders/checkout-service.js';

/** Options of {@link startServer}. Every field is optional; {@link resolveOptions} fills defaults. */
export interface ServerOptions {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `0.0.0.0`. */
  host?: string;
  /**
   * Default `redis://127.0.0.1:6379`. `redis+cluster://host:port,host:port` (or `rediss+cluster://`)
   * names a Redis Cluster by some of its nodes.
   */
  redisUrl?: string;
  /** `postgres://…` selects PostgreSQL; unset selects PGlite in `dataDir`; `memory://` an in-memory PGlite. */
  databaseUrl?: string;
  /**
   * The server's own files: the embedded PGlite database (`<dataDir>/pglite`, when `databaseUrl` is
   * unset) and the demo stream. Default `./data`, relative to the working directory.
   */
  dataDir?: string;
  /** Bearer key of the admin API. Unset: `dev-admin-key` in demo mode, otherwise the admin API is off. */
  adminKey?: string;
  /** Bearer key `GET /metrics` requires. Unset: `/metrics` answers anyone who can reach it. */
  metricsKey?: string;
  /**
   * Serve `GET /metrics` (and `GET /healthz`) on this port of `host` instead of the public one, e.g.
   * for an address only the monitoring network reaches; 0 picks a free port. Unset: the public port.
   */
  metricsPort?: number;
  /** Signs shopper sessions and staff tokens. Unset: a random secret kept in the database, shared by every process on it. */
  sessionSecret?: string;
  /** Prefix of every Redis key this server writes. Default `ls`. */
  keyPrefix?: string;
  /** PostgreSQL schema for this server's tables (created when missing). Default `public`. */
  dbSchema?: string;
  /**
   * Requests per second per client IP, for each of reserve, release, join, leave, chat and
   * `GET /api/events/:id`; 0 turns every per-IP limit off (new sessions included). Default 50.
   */
  ipRateLimitPerSecond?: number;
  /** New shopper sessions per minute per client IP (off when `ipRateLimitPerSecond` is 0). Default 30. */
  sessionsPerIpPerMinute?: number;
  /** Reserves per second per shopper session; releases have the same limit, counted apart. Default 10. */
  shopperReservesPerSecond?: number;
  /** Joins per 10 seconds per connection's sender; leaves have the same limit, counted apart. Default 10. */
  shopperJoinsPer10Seconds?: number;
  /** Chat messages per 10 seconds per shopper session. Default 5. */
  shopperChatPer10Seconds?: number;
  /** Origins allowed to open socket.io connections and call the public API; empty or unset allows any. */
  allowedOrigins?: string[];
  /** Seed the `demo` event, serve the demo page and start the demo stream. Default false. */
  demo?: boolean;
  /**
   * Run the background workers (the hold sweeper) in this process. Default true. The stock fan-out
   * always runs: it is what serves this process's viewers.
   */
  workers?: boolean;
  /**
   * Record analytics facts: viewer sessions, viewer and stock samples, pin history, beacons. Default
   * true; off, nothing is recorded and beacons are answered `204` without being stored.
   */
  analytics?: boolean;
  /** How many recent chat messages a join returns. Default 50. */
  chatHistory?: number;
  /** Shortest gap between two `stock` messages to one event room. Default 100 ms. */
  stockIntervalMs?: number;
  /** Start the demo HLS test stream when `demo` is on and ffmpeg exists. Default true. */
  demoStream?: boolean;
  /**
   * Where the demo stream is written and served from (`/stream/`). Default `<dataDir>/stream`; a
   * second server in the same working directory (a test suite next to a running demo) passes its
   * own directory so the two ffmpeg processes never share one.
   */
  streamDir?: string;
  /**
   * How many server processes the start command (`main.js`) runs on the one port (node:cluster,
   * sticky sessions); more than 1 needs PostgreSQL. `startServer` itself is always one process.
   * Default 1.
   */
  processes?: number;
  /**
   * Offer the `test` payment provider (documented test cards; approves made-up cards, so for demos
   * and tests only), optionally with the slow card's delay. Default: on in demo mode, else off.
   */
  testPayments?: boolean | { slowApprovalMs?: number };
  /** Offer the `stripe` payment provider with this account (`apiUrl` points it elsewhere in tests). */
  stripe?: { secretKey: string; apiUrl?: string };
  /** Stripe's API origin when `stripe` has no `apiUrl` of its own (`STRIPE_API_URL`). */
  stripeApiUrl?: string;
  /** How long a checkout extends the holds for its payment. Default 60 s. */
  checkoutPaymentWindowMs?: number;
  /** Most a checkout may extend a hold past the expiry it had before. Default 120 s. */
  checkoutHoldCapMs?: number;
  /** How often the order reconciler settles pending orders. Default 60 s. */
  orderReconcileIntervalMs?: number;
  /** How long a refund stays `pending` before the order reconciler finishes it. Default 30 s. */
  refundRetryAfterMs?: number;
  /**
   * Tests only: called after each checkout step, and after a refund's provider call (`refunded`);
   * throwing stops the work there, as a crash would.
   */
  checkoutFaults?: CheckoutFaultHook;
  /** Tests only: how long a viewer may be away and still be in the same analytics session. Default 30 min. */
  analyticsVisitGapMs?: number;
  /** Shopify app's client secret: verifies `POST /webhooks/shopify`. Unset: that webhook answers 401 (demo: a demo secret). */
  shopifyWebhookSecret?: string;
  /** Square subscription's signature key: verifies `POST /webhooks/square` (with `squareWebhookUrl`). */
  squareSignatureKey?: string;
  /** The exact notification URL Square posts to and signs. */
  squareWebhookUrl?: string;
  /** Verifies the generic `POST /webhooks/pos`. */
  posWebhookSecret?: string;
  /** `<shop>.myshopify.com`: with `shopifyAdminToken`, live sales adjust Shopify inventory. */
  shopifyShopDomain?: string;
  shopifyAdminToken?: string;
  /** An origin replacing `https://<shop>` for the Admin API (tests, proxies). */
  shopifyApiUrl?: string;
  /** With it, live sales adjust Square inventory. */
  squareAccessToken?: string;
  /** Replaces Square's base URL (tests, the sandbox). */
  squareApiUrl?: string;
  /** Attempts of one POS adjustment before it is dead-lettered. Default 8. */
  posSyncMaxAttempts?: number;
  /** First retry delay of a POS adjustment, doubled each attempt (capped at 5 minutes). Default 1000 ms. */
  posSyncBackoffMs?: number;
  /** How long one call to a POS may take before it counts as a timeout (retried under the same key). Default 10,000 ms. */
  posSyncTimeoutMs?: number;
  /** Hours after an event's end during which a watcher's purchase counts as influenced revenue. Default 48. */
  influenceWindowHours?: number;
  /** The calling code a phone number written without one is taken to have (e.g. 1, 44). Default 1. */
  phoneCallingCode?: string;
  /**
   * How often one process pulls the POS counts of every open event that follows the POS and applies
   * them (a reconciliation, as `POST /api/admin/pos/reconcile`); 0 turns it off. Default 15 minutes.
   */
  posReconcileIntervalMs?: number;
}

const port = z.number().int().min(0).max(65_535);
const perSecond = z.number().int().min(0).max(1_000_000);
const optionsSchema = z.strictObject({
  port: port.default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  redisUrl: z
    .string()
    .regex(/^rediss?(\+cluster)?:\/\//, 'redisUrl must start with redis://, rediss:// or redis+cluster://')
    .default('redis://127.0.0.1:6379'),
  databaseUrl: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|memory:\/\/)/, 'databaseUrl must be a postgres:// URL or memory://')
    .optional(),
  dataDir: z.string().min(1).default('./data'),
  adminKey: z.string().min(8, 'the admin key must be at least 8 characters').optional(),
  metricsKey: z.string().min(8, 'the metrics key must be at least 8 characters').optional(),
  metricsPort: port.optional(),
  sessionSecret: z.string().min(16, 'the session secret must be at least 16 characters').optional(),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'keyPrefix may hold only letters, digits and _ : . -')
    .default('ls'),
  dbSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'dbSchema must be a lower-case SQL identifier')
    .default('public'),
  ipRateLimitPerSecond: perSecond.default(50),
  sessionsPerIpPerMinute: perSecond.min(1).default(30),
  shopperReservesPerSecond: perSecond.min(1).default(10),
  shopperJoinsPer10Seconds: perSecond.min(1).default(10),
  shopperChatPer10Seconds: perSecond.min(1).default(5),
  allowedOrigins: z.array(z.url()).default([]),
  demo: z.boolean().default(false),
  workers: z.boolean().default(true),
  analytics: z.boolean().default(true),
  chatHistory: z.number().int().min(0).max(500).default(50),
  stockIntervalMs: z.number().int().min(0).max(10_000).default(100),
  demoStream: z.boolean().default(true),
  streamDir: z.string().min(1).optional(),
  processes: z.number().int().min(1).max(256).default(1),
  testPayments: z
    .union([z.boolean(), z.strictObject({ slowApprovalMs: z.number().int().min(0).max(60_000).optional() })])
    .optional(),
  stripe: z.strictObject({ secretKey: z.string().min(8), apiUrl: z.url().optional() }).optional(),
  stripeApiUrl: z.url().optional(),
  checkoutPaymentWindowMs: z.number().int().min(100).max(600_000).default(60_000),
  checkoutHoldCapMs: z.number().int().min(0).max(1_800_000).default(120_000),
  orderReconcileIntervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
  refundRetryAfterMs: z.number().int().min(0).max(86_400_000).default(30_000),
  checkoutFaults: z.custom<CheckoutFaultHook>((value) => typeof value === 'function').optional(),
  analyticsVisitGapMs: z.number().int().min(100).max(86_400_000).default(1_800_000),
  shopifyWebhookSecret: z.string().min(1).optional(),
  squareSignatureKey: z.string().min(1).optional(),
  squareWebhookUrl: z.url().optional(),
  posWebhookSecret: z.string().min(1).optional(),
  shopifyShopDomain: z.string().min(1).optional(),
  shopifyAdminToken: z.string().min(1).optional(),
  shopifyApiUrl: z.url().optional(),
  squareAccessToken: z.string().min(1).optional(),
  squareApiUrl: z.url().optional(),
  posSyncMaxAttempts: z.number().int().min(1).max(100).default(8),
  posSyncBackoffMs: z.number().int().min(1).max(600_000).default(1_000),
  posSyncTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  influenceWindowHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(48),
  phoneCallingCode: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, 'must be a calling code of 1 to 3 digits without +')
    .default('1'),
  posReconcileIntervalMs: z
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 100 && ms <= 86_400_000), '0 (off), or 100 ms to a day')
    .default(900_000),
});

export type ResolvedOptions = z.output<typeof optionsSchema> & { adminKey?: string };

/** The demo's admin key when none is configured. */
export const DEMO_ADMIN_KEY = 'dev-admin-key';

/** The demo's webhook secrets when none are configured (`pnpm pos-sale` signs with them). */
export const DEMO_POS_SECRETS = {
  shopifyWebhookSecret: 'demo-shopify-webhook-secret',
  squareSignatureKey: 'demo-square-signature-key',
  squareWebhookUrl: 'http://localhost:8080/webhooks/square',
  posWebhookSecret: 'demo-pos-webhook-secret',
} as const;

/** Validates options and fills defaults; throws an Error naming every bad option. */
export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new Error(`invalid server options: ${problems.join('; ')}`);
  }
  const resolved: ResolvedOptions = parsed.data;
  if (resolved.processes > 1 && !resolved.databaseUrl?.match(/^postgres(ql)?:\/\//)) {
    throw new Error(
      `invalid server options: processes: ${resolved.processes} processes need PostgreSQL (DATABASE_URL=postgres://…); ` +
        `the embedded PGlite database ${resolved.databaseUrl ? '(memory://) ' : ''}belongs to one process`,
    );
  }
  if (!resolved.adminKey && resolved.demo) resolved.adminKey = DEMO_ADMIN_KEY;
  if (resolved.stripe && resolved.stripeApiUrl && !resolved.stripe.apiUrl) {
    resolved.stripe = { ...resolved.stripe, apiUrl: resolved.stripeApiUrl };
  }
  if (resolved.demo) {
    resolved.shopifyWebhookSecret ??= DEMO_POS_SECRETS.shopifyWebhookSecret;
    resolved.squareSignatureKey ??= DEMO_POS_SECRETS.squareSignatureKey;
    resolved.squareWebhookUrl ??= DEMO_POS_SECRETS.squareWebhookUrl;
    resolved.posWebhookSecret ??= DEMO_POS_SECRETS.posWebhookSecret;
  }
  return resolved;
}

/** `redis://user:secret@host` → `redis://user:***@host`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
