import type { ServerOptions } from './options.js';

/**
 * Reads {@link ServerOptions} from environment variables (the names in docs/protocol.md).
 * Unparseable numbers and flags throw here so the process stops with a message naming the variable.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const options: ServerOptions = {
    port: int(env, 'PORT') ?? 8080,
    redisUrl: env.REDIS_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.LIVESHOP_DATA_DIR || undefined,
    adminKey: env.LIVESHOP_ADMIN_KEY || undefined,
    metricsKey: env.LIVESHOP_METRICS_KEY || undefined,
    metricsPort: int(env, 'LIVESHOP_METRICS_PORT'),
    sessionSecret: env.LIVESHOP_SESSION_SECRET || undefined,
    keyPrefix: env.LIVESHOP_REDIS_PREFIX || undefined,
    ipRateLimitPerSecond: int(env, 'LIVESHOP_IP_RATE_LIMIT'),
    shopperReservesPerSecond: int(env, 'LIVESHOP_SHOPPER_RATE_LIMIT'),
    sessionsPerIpPerMinute: int(env, 'LIVESHOP_SESSION_RATE_LIMIT'),
    allowedOrigins: env.LIVESHOP_ALLOWED_ORIGINS?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    demo: flag(env, 'LIVESHOP_DEMO'),
    demoStream: flag(env, 'LIVESHOP_DEMO_STREAM'),
    workers: flag(env, 'LIVESHOP_WORKERS'),
  };
  if (env.HOST) options.host = env.HOST;
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ServerOptions;
}

function int(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return undefined;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be on or off, got "${raw}"`);
}
