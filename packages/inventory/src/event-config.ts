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
  /** Drops: SKU → when it goes on sale (epoch ms, Redis clock); absent when the event has none. */
  onSaleAt?: Record<string, number>;
}

/** The config hash field of a drop's start time (`reserve-n.lua` reads it). */
export const ON_SALE_FIELD = 'onsale:';
/** The config hash field marking a shopper banned from the event (`reserve-n.lua` reads it). */
export const BAN_FIELD = 'ban:';

/** The config hash field of a SKU's per-shopper limit (`lua/includes/limits.lua` writes it). */
const LIMIT_FIELD = 'limit:';

const eventConfigPatch = z.strictObject({
  holdTtlSeconds: z.number().positive('holdTtlSeconds must be positive').max(MAX_HOLD_TTL_SECONDS).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  maxQtyPerReserve: z.number().int().min(1).max(MAX_QTY).optional(),
  limits: z.record(skuSchema, z.number().int().min(0).max(MAX_QTY)).optional(),
});

/**
 * Writes the given parts of an event's config atomically (script `configure-1`); an event
 * configured for the first time starts `scheduled` with a 300 s hold TTL.
 *
 * @throws LiveshopError `INVALID_INPUT` for a bad event id or config
 */
export async function writeEventConfig(
  run: ScriptRunner,
  keys: KeyBuilder,
  eventId: string,
  config: Partial<EventConfig>,
): Promise<void> {
  parseInput(eventIdSchema, eventId);
  const patch = parseInput(eventConfigPatch, config);
  await run.configure(
    keys.config(eventId),
    patch.status ?? '',
    patch.holdTtlSeconds === undefined ? '' : String(Math.max(1, Math.round(patch.holdTtlSeconds * 1000))),
    patch.maxQtyPerReserve === undefined ? '' : String(patch.maxQtyPerReserve),
    patch.limits ? '1' : '0',
    ...Object.entries(patch.limits ?? {}).flatMap(([sku, limit]) => [sku, String(limit)]),
  );
}

/** The event's config, or null when it was never configured. */
export async function readEventConfig(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
): Promise<StoredEventConfig | null> {
  const fields = await redis.hgetall(keys.config(eventId));
  if (!fields.status) return null;
  const limits: Record<string, number> = {};
  const onSaleAt: Record<string, number> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith(LIMIT_FIELD)) limits[field.slice(LIMIT_FIELD.length)] = Number(value);
    else if (field.startsWith(ON_SALE_FIELD)) onSaleAt[field.slice(ON_SALE_FIELD.length)] = Number(value);
  }
  const stored: StoredEventConfig = {
    status: fields.status as EventConfig['status'],
    holdTtlSeconds: Number(fields.ttlMs) / 1000,
    limits,
    generation: Number(fields.gen ?? 0),
  };
  if (Object.keys(onSaleAt).length > 0) stored.onSaleAt = onSaleAt;
  if (fields.maxQty) stored.maxQtyPerReserve = Number(fields.maxQty);
  return stored;
}
