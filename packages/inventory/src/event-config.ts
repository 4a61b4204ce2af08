import {
  EVENT_STATUSES,
  eventIdSchema,
  MAX_HOLD_TTL_SECONDS,
  MAX_QTY,
  parseInput,
  skuSchema,
} from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import type { KeyBuilder } from './keys.js';
import type { ScriptRunner } from './scripts.js';

/** What the scripts need to know about an event, kept in Redis next to its stock. */
export interface EventConfig {
  /** Hold lifetime. HTTP bodies require 30–1800; the store accepts any positive value up to 1800 (tests use fractions). */
  holdTtlSeconds: number;
  status: 'scheduled' | 'live' | 'ended';
  /** Most units one reserve may take (`LIMIT_EXCEEDED` above it); absent: only the protocol's bound. */
  maxQtyPerReserve?: number;
  /** Per-SKU per-shopper limit; 0 or absent = none. Given limits replace all earlier ones. */
  limits?: Record<string, number>;
}

/** An event's config as read back, with its stock generation (0 until the first restore). */
export interface StoredEventConfig extends EventConfig {
  generation: number;
}

const eventConfigPatch = z.strictObject({
  holdTtlSeconds: z.number().positive('holdTtlSeconds must be positive').max(MAX_HOLD_TTL_SECONDS).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  maxQtyPerReserve: z.number().int().min(1).max(MAX_QTY).optional(),
  limits: z.record(skuSchema, z.number().int().min(0).max(MAX_QTY)).optional(),
});

/** Attempts before giving up when limits keep changing between reading and writing them. */
const MAX_ATTEMPTS = 5;

/**
 * Writes the given parts of an event's config atomically (script `configure-n`); an event
 * configured for the first time starts `scheduled` with a 300 s hold TTL. Limits are kept in the
 * event's limits hash and in each SKU's stock hash (where reserve reads them), so the script gets
 * the stock keys of every SKU limited before (read first) or after; when another writer changed
 * the limits in between, the script writes nothing and this reads them again.
 *
 * @throws LiveshopError `INVALID_INPUT` for a bad event id or config
 */
export async function writeEventConfig(
  redis: Redis | Cluster,
  run: ScriptRunner,
  keys: KeyBuilder,
  eventId: string,
  config: Partial<EventConfig>,
): Promise<void> {
  parseInput(eventIdSchema, eventId);
  const patch = parseInput(eventConfigPatch, config);
  const head = [
    patch.status ?? '',
    patch.holdTtlSeconds === undefined ? '' : String(Math.max(1, Math.round(patch.holdTtlSeconds * 1000))),
    patch.maxQtyPerReserve === undefined ? '' : String(patch.maxQtyPerReserve),
    patch.limits ? '1' : '0',
  ];
  for (let attempt = 1; ; attempt++) {
    const limits = new Map<string, number>();
    if (patch.limits) {
      for (const sku of await redis.hkeys(keys.limits(eventId))) limits.set(sku, 0);
      for (const [sku, limit] of Object.entries(patch.limits)) limits.set(sku, limit);
    }
    const stockKeys = [...limits.keys()].map((sku) => keys.stock(eventId, sku));
    const args = [...limits].flatMap(([sku, limit]) => [sku, String(limit)]);
    const reply = await run.configure(
      2 + stockKeys.length,
      keys.config(eventId),
      keys.limits(eventId),
      ...stockKeys,
      ...head,
      ...args,
    );
    if (reply[0] === 1) return;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`limits of event ${eventId} kept changing while being written`);
  }
}

/** The event's config, or null when it was never configured. */
export async function readEventConfig(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
): Promise<StoredEventConfig | null> {
  const [config, limits] = await Promise.all([
    redis.hmget(keys.config(eventId), 'status', 'ttlMs', 'gen', 'maxQty'),
    redis.hgetall(keys.limits(eventId)),
  ]);
  const [status, ttlMs, generation, maxQty] = config;
  if (!status) return null;
  const stored: StoredEventConfig = {
    status: status as EventConfig['status'],
    holdTtlSeconds: Number(ttlMs) / 1000,
    limits: Object.fromEntries(Object.entries(limits).map(([sku, limit]) => [sku, Number(limit)])),
    generation: Number(generation ?? 0),
  };
  if (maxQty) stored.maxQtyPerReserve = Number(maxQty);
  return stored;
}
