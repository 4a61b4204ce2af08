import { eventIdSchema, parseInput, skuSchema, type SkuStock } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { scriptError } from './errors.js';
import type { KeyBuilder } from './keys.js';
import type { InventoryResult } from './result.js';
import type { ScriptRunner } from './scripts.js';

/**
 * How an event's stock follows the POS (see `lua/posApply-4.lua`): `shared` sells the POS on-hand
 * less a safety buffer; `exclusive` carves an allocation out once (`units`, or `percent` of the
 * on-hand; neither: the allocation the admin sets) and clamps it only when the on-hand falls below
 * what the event still owes. Absent: manual, the admin sets stock.
 */
export type PosStockMode =
  { mode: 'shared'; safetyBuffer: number } | { mode: 'exclusive'; units?: number; percent?: number };

const onHandSchema = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const locationIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s|]+$/, 'locationId may not contain spaces or |');
const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);

const countInput = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  locationId: locationIdSchema,
  onHand: onHandSchema,
  occurredAt: epochMsSchema,
});
export type PosCountInput = z.input<typeof countInput>;

const syncedInput = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  locationId: locationIdSchema,
  /** Units of the sale the POS applied; negative for a restock (units the POS was told were sold, back). */
  qty: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((qty) => qty !== 0, 'qty must not be 0'),
  /** The on-hand the POS answered after the adjustment, and when (epoch ms). */
  onHandAfter: onHandSchema.optional(),
  at: epochMsSchema.optional(),
});
export type PosSyncedInput = z.input<typeof syncedInput>;

/** What applying a POS fact did: the SKU's counts after it (`changed` when they moved). */
export type PosApplyResult =
  | { applied: true; changed: boolean; clamped: boolean; onHand: number; stock: SkuStock }
  | { applied: false; stale: true; lastOccurredAt: number };

/** The POS side of the inventory: writes the mode, applies counts and synced sales with one script. */
export class PosStock {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: KeyBuilder,
    private readonly run: ScriptRunner,
    private readonly ledgerMaxLength: string,
  ) {}

  /** Writes (or, with null, clears: manual) the event's POS mode where the script reads it. */
  async configure(eventId: string, mode: PosStockMode | null): Promise<void> {
    parseInput(eventIdSchema, eventId);
    const key = this.keys.config(eventId);
    const multi = this.redis.multi().hdel(key, 'posMode', 'posBuffer', 'posUnits', 'posPercent');
    if (mode?.mode === 'shared') multi.hset(key, 'posMode', 'shared', 'posBuffer', String(mode.safetyBuffer));
    if (mode?.mode === 'exclusive') {
      multi.hset(key, 'posMode', 'exclusive');
      if (mode.units !== undefined) multi.hset(key, 'posUnits', String(mode.units));
      else if (mode.percent !== undefined) multi.hset(key, 'posPercent', String(mode.percent));
    }
    await multi.exec();
  }

  /** The event's POS mode as Redis has it (null: manual). */
  async mode(eventId: string): Promise<PosStockMode | null> {
    const [mode, buffer, units, percent] = await this.redis.hmget(
      this.keys.config(eventId),
      'posMode',
      'posBuffer',
      'posUnits',
      'posPercent',
    );
    if (mode === 'shared') return { mode, safetyBuffer: Number(buffer ?? 0) };
    if (mode === 'exclusive') {
      if (units !== null) return { mode, units: Number(units) };
      if (percent !== null) return { mode, percent: Number(percent) };
      return { mode };
    }
    return null;
  }

  /** Sets a location's on-hand for the SKU unless a later report was applied there, and recomputes. */
  async applyCount(input: PosCountInput): Promise<InventoryResult<PosApplyResult>> {
    const { eventId, sku, locationId, onHand, occurredAt } = parseInput(countInput, input);
    return this.#call(eventId, sku, ['count', locationId, String(onHand), String(occurredAt), '']);
  }

  /**
   * Records that the POS applied a live sale of `qty` at the location (a negative `qty`: a restock
   * of refunded units), and recomputes.
   */
  async applySynced(input: PosSyncedInput): Promise<InventoryResult<PosApplyResult>> {
    const { eventId, sku, locationId, qty, onHandAfter, at } = parseInput(syncedInput, input);
    const answered = onHandAfter !== undefined && at !== undefined;
    return this.#call(eventId, sku, [
      'synced',
      locationId,
      String(qty),
      answered ? String(onHandAfter) : '',
      answered ? String(at) : '',
    ]);
  }

  /** Recomputes what the event may sell of the SKU from what is already known. */
  async recompute(eventId: string, sku: string): Promise<InventoryResult<PosApplyResult>> {
    parseInput(eventIdSchema, eventId);
    parseInput(skuSchema, sku);
    return this.#call(eventId, sku, ['recompute', '', '0', '', '']);
  }

  /** The on-hand per location the event knows for the SKU, with the units the POS was told of. */
  async read(eventId: string, sku: string): Promise<{ onHand: Map<string, number>; synced: number }> {
    const fields = await this.redis.hgetall(this.keys.posStock(eventId, sku));
    const onHand = new Map<string, number>();
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith('oh:')) onHand.set(field.slice(3), Number(value));
    }
    return { onHand, synced: Number(fields.synced ?? 0) };
  }

  async #call(eventId: string, sku: string, args: string[]): Promise<InventoryResult<PosApplyResult>> {
    const k = this.keys;
    const reply = await this.run.posApply(
      k.config(eventId),
      k.stock(eventId, sku),
      k.posStock(eventId, sku),
      k.ledger(eventId),
      sku,
      ...args,
      this.ledgerMaxLength,
    );
    if (reply[0] === 2) return { ok: true, applied: false, stale: true, lastOccurredAt: Number(reply[1]) };
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    const [, changed, allocated, available, held, sold, version, generation, onHand, clamped] = reply.map(
      Number,
    ) as number[];
    return {
      ok: true,
      applied: true,
      changed: changed === 1,
      clamped: clamped === 1,
      onHand: onHand!,
      stock: { sku, allocated, available, held, sold, version, generation } as SkuStock,
    };
  }
}
