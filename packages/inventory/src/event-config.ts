import { EVENT_STATUSES, eventIdSchema, MAX_QTY, parseInput, skuSchema } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import type { KeyBuilder } from './keys.js';

/** What the scripts need to know about an event, kept in Redis next to its stock. */
export interface EventConfig {
  /** Hold lifetime. HTTP bodies require 30–3600; the store accepts any positive value up to 3600 (tests use fractions). */
  holdTtlSeconds: number;
  status: 'scheduled' | 'live' | 'ended';
  /** Per-SKU per-shopper limit; 0 or absent = none. Given limits replace all earlier ones. */
  limits?: Record<string, number>;
}

const DEFAULT_TTL_MS = 300_000;

const eventConfigPatch = z.strictObject({
  holdTtlSeconds: z.number().positive('holdTtlSeconds must be positive').max(3600).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  limits: z.record(skuSchema, z.number().int().min(0).max(MAX_QTY)).optional(),
});

/**
 * Writes the given parts of an event's config in one MULTI; an event configured for the first
 * time starts `scheduled` with a 300 s hold TTL.
 *
 * @throws LiveshopError `INVALID_INPUT` for a bad event id or config
 */
export async function writeEventConfig(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
  config: Partial<EventConfig>,
): Promise<void> {
  parseInput(eventIdSchema, eventId);
  const patch = parseInput(eventConfigPatch, config);
  const configKey = keys.config(eventId);
  const tx = redis.multi();
  tx.hsetnx(configKey, 'status', 'scheduled');
  tx.hsetnx(configKey, 'ttlMs', DEFAULT_TTL_MS);
  if (patch.status) tx.hset(configKey, 'status', patch.status);
  if (patch.holdTtlSeconds !== undefined)
    tx.hset(configKey, 'ttlMs', Math.max(1, Math.round(patch.holdTtlSeconds * 1000)));
  if (patch.limits) {
    const limitsKey = keys.limits(eventId);
    tx.del(limitsKey);
    const limited = Object.entries(patch.limits).filter(([, limit]) => limit > 0);
    if (limited.length > 0) tx.hset(limitsKey, Object.fromEntries(limited));
  }
  const replies = await tx.exec();
  const failed = replies?.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}

/** The event's config, or null when it was never configured. */
export async function readEventConfig(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
): Promise<EventConfig | null> {
  const [config, limits] = await Promise.all([
    redis.hmget(keys.config(eventId), 'status', 'ttlMs'),
    redis.hgetall(keys.limits(eventId)),
  ]);
  const [status, ttlMs] = config;
  if (!status) return null;
  return {
    status: status as EventConfig['status'],
    holdTtlSeconds: Number(ttlMs) / 1000,
    limits: Object.fromEntries(Object.entries(limits).map(([sku, limit]) => [sku, Number(limit)])),
  };
}
