import {
  allocateInput,
  commitInput,
  ErrorCode,
  EVENT_STATUSES,
  eventIdSchema,
  MAX_HOLD_TTL_SECONDS,
  MAX_QTY,
  holdIdSchema,
  parseInput,
  releaseInput,
  reserveInput,
  shopperIdSchema,
  skuSchema,
  unitsSchema,
  idempotencyKeySchema,
  locationIdSchema,
  orderIdSchema,
  qtySchema,
  type LedgerSource,
  type LocationDraw,
  type AllocateInput,
  type CommitInput,
  type CommitResult,
  type ExpireResult,
  type Hold,
  type ReleaseInput,
  type ReleaseResult,
  type ReserveInput,
  type ReserveResult,
  type SkuStock,
} from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import createDebug from 'debug';
import { scriptError } from './errors.js';
import {
  BAN_FIELD,
  ON_SALE_FIELD,
  readEventConfig,
  writeEventConfig,
  type EventConfig,
  type StoredEventConfig,
} from './event-config.js';
import { holdNonce, skuOfHoldId } from './hold-id.js';
import { decodeHoldRecord, decodeShopperHold, shopperHoldsRange } from './hold-record.js';
import { KeyBuilder } from './keys.js';
import { validate, type InventoryResult } from './result.js';
import { PosStock } from './pos-stock.js';
import { epochMsOfRedisTime } from './redis-time.js';
import { defineScripts, type ScriptRunner } from './scripts.js';
import { ReserveBatcher, type ReserveReply } from './reserve-batcher.js';
import { WriteBatcher } from './write-batching.js';

const log = createDebug('liveshop:inventory');
const batchSizeSchema = z.number().int().min(1).max(10_000);

const restorePlanSchema = z.strictObject({
  generation: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  status: z.enum(EVENT_STATUSES),
  holdTtlSeconds: z.number().positive().max(MAX_HOLD_TTL_SECONDS),
  maxQtyPerReserve: z.number().int().min(1).max(MAX_QTY).default(MAX_QTY),
  skus: z
    .array(
      z.strictObject({
        sku: skuSchema,
        allocated: unitsSchema,
        sold: unitsSchema,
        limit: z.number().int().min(0).max(MAX_QTY),
        /** The SKU's units at each location and those sold from there (the rest is the unlocated pool). */
        places: z
          .array(z.strictObject({ locationId: locationIdSchema, allocated: unitsSchema, sold: unitsSchema }))
          .max(1_000)
          .default([]),
        /** Units of the SKU each shopper bought in durable orders (less refunds): their per-shopper count. */
        buyers: z
          .array(z.strictObject({ shopperId: shopperIdSchema, units: unitsSchema }))
          .max(1_000_000)
          .default([]),
      }),
    )
    .max(1_000),
});

/** What {@link InventoryStore.restoreEvent} writes back: the event's durable state. */
export type RestorePlan = z.input<typeof restorePlanSchema>;

export interface InventoryStoreOptions {
  /** First part of every key (default `ls`); tests use a random one. */
  prefix?: string;
  /** Approximate cap of each event's ledger stream (default 1,000,000; 0 = never trimmed). */
  ledgerMaxLength?: number;
  /**
   * How long idempotent results are replayed (default 24 h; a reserve's for at least this long and
   * at most twice, see {@link KeyBuilder.reserveIdempotency}).
   */
  idempotencyTtlSeconds?: number;
  /** Most due holds a reserve returns to stock before reserving (default 20). */
  reclaimBatch?: number;
  /**
   * Send the reserves of one SKU that arrive in one event-loop turn to Redis in one script call
   * (default true; see {@link ReserveBatcher}). `false` sends each reserve on its own at once.
   */
  batchReserves?: boolean;
}

/**
 * The inventory of live events, kept in Redis and changed only by the Lua scripts in `lua/`:
 * each change is atomic, bumps the SKU's version and appends one ledger entry per SKU changed.
 *
 * State-changing methods validate input with the protocol schemas first (bad input is
 * `INVALID_INPUT` without touching Redis) and resolve to `{ ok: true, ... }` or
 * `{ ok: false, error }`; they reject only when Redis itself fails.
 */
export class InventoryStore {
  readonly keys: KeyBuilder;
  /** What the POS says of each SKU, and the event stock that follows it (see {@link PosStock}). */
  readonly pos: PosStock;
  private readonly run: ScriptRunner;
  private readonly ledgerMaxLength: string;
  private readonly idempotencyTtl: string;
  private readonly idempotencyTtlSeconds: number;
  private readonly reclaimBatch: string;
  private readonly reserves: ReserveBatcher<InventoryResult<ReserveResult>>;
  private readonly writes: WriteBatcher;

  constructor(
    private readonly redis: Redis | Cluster,
    options: InventoryStoreOptions = {},
  ) {
    this.keys = new KeyBuilder(options.prefix);
    this.run = defineScripts(redis);
    // Kept as strings: sent on every call, ioredis would otherwise convert them each time.
    this.ledgerMaxLength = String(options.ledgerMaxLength ?? 1_000_000);
    this.idempotencyTtlSeconds = options.idempotencyTtlSeconds ?? 86_400;
    this.idempotencyTtl = String(this.idempotencyTtlSeconds);
    this.reclaimBatch = String(options.reclaimBatch ?? 20);
    this.writes = WriteBatcher.for(redis);
    this.reserves = new ReserveBatcher(
      (batch) => this.sendReserves(batch),
      reserveResult,
      options.batchReserves !== false,
    );
    this.pos = new PosStock(redis, this.keys, this.run, this.ledgerMaxLength);
  }

  /** Stores status, hold TTL and limits where the scripts read them; call it whenever they change. */
  configureEvent(eventId: string, config: Partial<EventConfig>): Promise<void> {
    return writeEventConfig(this.run, this.keys, eventId, config);
  }

  /**
   * Makes a SKU a drop: reserves before `startsAt` (epoch ms, Redis clock) are `NOT_ON_SALE`;
   * `null` puts it on sale now. Kept in the event's config hash, where reserve reads it.
   */
  async setOnSaleAt(eventId: string, sku: string, startsAt: number | null): Promise<void> {
    parseInput(eventIdSchema, eventId);
    parseInput(skuSchema, sku);
    const key = this.keys.config(eventId);
    if (startsAt === null) await this.redis.hdel(key, ON_SALE_FIELD + sku);
    else await this.redis.hset(key, ON_SALE_FIELD + sku, String(Math.trunc(startsAt)));
  }

  /** Bans shoppers from the event (reserve answers `BANNED`), or lifts their bans. */
  async setBanned(eventId: string, shopperIds: string[], banned: boolean): Promise<void> {
    parseInput(eventIdSchema, eventId);
    for (const shopperId of shopperIds) parseInput(shopperIdSchema, shopperId);
    if (shopperIds.length === 0) return;
    const key = this.keys.config(eventId);
    const fields = shopperIds.map((shopperId) => BAN_FIELD + shopperId);
    if (banned) await this.redis.hset(key, ...fields.flatMap((field) => [field, '1']));
    else await this.redis.hdel(key, ...fields);
  }

  /** Whether the shopper is banned from the event. */
  async isBanned(eventId: string, shopperId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.config(eventId), BAN_FIELD + shopperId)) === 1;
  }

  getEventConfig(eventId: string): Promise<StoredEventConfig | null> {
    parseInput(eventIdSchema, eventId);
    return readEventConfig(this.redis, this.keys, eventId);
  }

  /**
   * Sets a SKU's allocation for the event (creating the SKU), up or down. Going below held + sold
   * is `ALLOCATION_BELOW_COMMITTED` and changes nothing.
   */
  async allocate(input: AllocateInput): Promise<InventoryResult<{ stock: SkuStock }>> {
    const parsed = validate(allocateInput, input);
    if (!parsed.ok) return parsed;
    const { eventId, sku, units, idempotencyKey, source = 'admin' } = parsed.value;
    const k = this.keys;
    const reply = await this.run.allocate(
      k.stock(eventId, sku),
      k.skus(eventId),
      k.ledger(eventId),
      k.allocateIdempotency(eventId, idempotencyKey ?? ''),
      k.config(eventId),
      sku,
      units,
      source,
      idempotencyKey === undefined ? '0' : '1',
      this.idempotencyTtl,
      this.ledgerMaxLength,
    );
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    const [, allocated, available, held, sold, version, generation] = reply as number[];
    return { ok: true, stock: { sku, allocated, available, held, sold, version, generation } as SkuStock };
  }

  /**
   * Holds `qty` units for a shopper until the event's hold TTL passes, in one script call
   * (`reserve-n.lua`, shared with the other reserves of the SKU that arrive in the same event-loop
   * turn; see {@link ReserveBatcher}) that first returns the SKU's due holds to stock. Errors: `NOT_FOUND` (event not configured, or SKU never
   * allocated), `EVENT_NOT_LIVE`, `SOLD_OUT`, `LIMIT_EXCEEDED` (the shopper's limit, or more than
   * the event allows in one reserve), `IDEMPOTENCY_CONFLICT`, `INVALID_INPUT`. The same idempotency key from the same shopper replays the first result.
   */
  async reserve(input: ReserveInput): Promise<InventoryResult<ReserveResult>> {
    const parsed = validate(reserveInput, input);
    if (!parsed.ok) return parsed;
    return this.reserveChecked(parsed.value);
  }

  /**
   * {@link reserve} for a caller that has already checked every field with the protocol's schemas
   * (`reserveInput`'s, e.g. the socket server: the payload with `reservePayload`, the shopper id
   * from its own signed session), so the hot path does not check it twice.
   */
  reserveChecked(input: ReserveInput): Promise<InventoryResult<ReserveResult>> {
    return this.reserves.reserve(input);
  }

  /** One call of `reserve-n.lua` for reserves of one SKU of one event, in order. */
  private async sendReserves(batch: readonly ReserveInput[]): Promise<ReserveReply[]> {
    const { eventId, sku } = batch[0]!;
    const k = this.keys.forSku(eventId, sku);
    // The idempotency records' period (see reserve-n.lua): this one and its neighbours are read,
    // this one is written and expires at the end of the next (an hour later, for clock skew).
    const ttl = this.idempotencyTtlSeconds;
    const period = Math.floor(Date.now() / (ttl * 1000));
    const expiresAt = String((period + 2) * ttl + 3600);
    const keys = [
      k.config,
      k.stock,
      k.holdExpiry,
      k.holdData,
      k.shopperHolds,
      k.expiredHolds,
      k.ledger,
      this.keys.reserveIdempotency(eventId, period),
      this.keys.reserveIdempotency(eventId, period - 1),
      this.keys.reserveIdempotency(eventId, period + 1),
    ];
    const args = [sku, expiresAt, this.reclaimBatch, this.ledgerMaxLength];
    for (const { shopperId, idempotencyKey, qty } of batch) {
      args.push(String(qty), shopperId, holdNonce(), idempotencyKey);
    }
    return (await this.run.reserve(keys.length, ...keys, ...args)) as ReserveReply[];
  }

  /**
   * Returns a hold's units to stock. With `shopperId`, only that shopper's hold may be released
   * (`FORBIDDEN` otherwise). `HOLD_NOT_FOUND` when it never existed or is gone, `HOLD_EXPIRED`
   * when it expired (its units are then already back).
   */
  async release(input: ReleaseInput): Promise<InventoryResult<ReleaseResult>> {
    const parsed = validate(releaseInput, input);
    if (!parsed.ok) return parsed;
    const { eventId, holdId, idempotencyKey, shopperId } = parsed.value;
    const sku = skuOfHoldId(holdId);
    const k = this.keys.forSku(eventId, sku);
    const reply = await this.run.release(
      k.stock,
      k.holdExpiry,
      k.holdData,
      k.shopperHolds,
      k.expiredHolds,
      k.ledger,
      this.keys.releaseIdempotency(eventId, shopperId ?? '', idempotencyKey),
      k.config,
      sku,
      holdId,
      shopperId ?? '',
      shopperId === undefined ? 'system' : 'shop',
      this.idempotencyTtl,
      this.ledgerMaxLength,
    );
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    const [, qty, available, version, generation] = reply as number[];
    return { ok: true, holdId, sku, qty, available, version, generation } as { ok: true } & ReleaseResult;
  }

  /**
   * Turns holds into sold units for an order, all or nothing: if any hold is missing
   * (`HOLD_NOT_FOUND`, also another shopper's when `shopperId` is given) or expired
   * (`HOLD_EXPIRED`), or the pickup location lacks the units (`NOT_AVAILABLE_AT_LOCATION`),
   * nothing changes. Each hold gets a ledger entry carrying `orderId`. Replays by idempotency key;
   * an order commits under its order id, which {@link findCommit} reads.
   */
  async commit(input: CommitInput): Promise<InventoryResult<CommitResult>> {
    const parsed = validate(commitInput, input);
    if (!parsed.ok) return parsed;
    const { eventId, holdIds, orderId, idempotencyKey, shopperId, pickupLocationId, shipFrom, source } = parsed.value;
    if (new Set(holdIds).size !== holdIds.length) {
      return { ok: false, error: { code: ErrorCode.INVALID_INPUT, message: 'holdIds: a hold is listed twice' } };
    }
    const k = this.keys;
    const keys = [
      k.ledger(eventId),
      k.shopperHolds(eventId),
      k.commitIdempotency(eventId, idempotencyKey),
      k.config(eventId),
    ];
    const fingerprint = `${orderId}|${[...holdIds].sort().join(',')}`;
    const args: (string | number)[] = [
      orderId,
      fingerprint,
      source ?? 'checkout',
      this.idempotencyTtl,
      this.ledgerMaxLength,
      shopperId ?? '',
      pickupLocationId ?? '',
      (shipFrom ?? []).join(','),
    ];
    for (const holdId of holdIds) {
      const sku = skuOfHoldId(holdId);
      const s = k.forSku(eventId, sku);
      keys.push(s.stock, s.holdExpiry, s.holdData, s.expiredHolds, s.locations);
      args.push(holdId, sku);
    }
    const reply = await this.run.commit(keys.length, ...keys, ...args);
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    return { ok: true, orderId, items: commitItems(reply) };
  }

  /**
   * Whether the order's holds were committed, and what the commit did: the commit's idempotency
   * record under the order id (one GET; no ledger scan). Kept for the idempotency TTL (24 h by
   * default), which is why orders are settled long before.
   */
  async findCommit(eventId: string, orderId: string): Promise<CommitResult | null> {
    parseInput(eventIdSchema, eventId);
    const stored = await this.redis.get(this.keys.commitIdempotency(eventId, orderId));
    if (!stored) return null;
    const fingerprint = stored.slice(0, stored.indexOf('\n'));
    if (fingerprint.slice(0, fingerprint.indexOf('|')) !== orderId) return null;
    return { orderId, items: commitItems(JSON.parse(stored.slice(stored.indexOf('\n') + 1)) as unknown[]) };
  }

  /**
   * Extends a shopper's holds for a payment: each expires no sooner than `windowMs` from now,
   * and never more than `capMs` past its expiry before the first extension. All or nothing:
   * `HOLD_NOT_FOUND` (also another shopper's) or `HOLD_EXPIRED`. Resolves to the deadline (Redis
   * clock, epoch ms) before which committing every hold succeeds.
   */
  async extendHolds(input: {
    eventId: string;
    shopperId: string;
    holdIds: string[];
    windowMs: number;
    capMs: number;
  }): Promise<InventoryResult<{ deadline: number; expiresAt: number[] }>> {
    const { eventId, shopperId, holdIds } = input;
    parseInput(eventIdSchema, eventId);
    parseInput(shopperIdSchema, shopperId);
    for (const holdId of holdIds) parseInput(holdIdSchema, holdId);
    const keys = [this.keys.shopperHolds(eventId)];
    for (const holdId of holdIds) {
      const s = this.keys.forSku(eventId, skuOfHoldId(holdId));
      keys.push(s.holdExpiry, s.holdData, s.expiredHolds);
    }
    const reply = await this.run.extend(
      keys.length,
      ...keys,
      shopperId,
      String(Math.max(0, Math.round(input.windowMs))),
      String(Math.max(0, Math.round(input.capMs))),
      ...holdIds,
    );
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    return { ok: true, deadline: Number(reply[1]), expiresAt: reply.slice(2).map(Number) };
  }

  /**
   * Puts refunded units back on sale, all or nothing, one `refund` ledger entry per line carrying
   * the order id, and each line's units back at the locations its commit drew them from.
   * Idempotent on `refundId`.
   */
  async restock(input: {
    eventId: string;
    orderId: string;
    refundId: string;
    /** Per line: the units, where the commit drew them, and whose allowance they go back to. */
    lines: { sku: string; qty: number; draws: LocationDraw[]; shopperId?: string }[];
  }): Promise<InventoryResult<{ items: { sku: string; available: number; version: number; generation: number }[] }>> {
    const { eventId, orderId, refundId, lines } = input;
    parseInput(eventIdSchema, eventId);
    parseInput(orderIdSchema, orderId);
    parseInput(idempotencyKeySchema, refundId);
    const k = this.keys;
    const keys = [k.ledger(eventId), k.restockIdempotency(eventId, refundId), k.config(eventId)];
    const fingerprint = `${orderId}|${lines.map((l) => `${l.sku}:${l.qty}`).join(',')}`;
    const args: string[] = [orderId, fingerprint, 'admin', this.idempotencyTtl, this.ledgerMaxLength];
    for (const line of lines) {
      parseInput(skuSchema, line.sku);
      parseInput(qtySchema, line.qty);
      const s = k.forSku(eventId, line.sku);
      keys.push(s.stock, s.locations, s.holdData);
      args.push(
        line.sku,
        String(line.qty),
        line.draws.map((d) => `${d.locationId}=${d.qty}`).join(','),
        line.shopperId ?? '',
      );
    }
    const reply = await this.run.restock(keys.length, ...keys, ...args);
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    const items = lines.map((line, i) => {
      const [available, version, generation] = reply.slice(1 + 3 * i, 4 + 3 * i).map(Number) as [
        number,
        number,
        number,
      ];
      return { sku: line.sku, available, version, generation };
    });
    return { ok: true, items };
  }

  /**
   * Sets a SKU's units at one location; the SKU's allocation moves by the difference (viewers see
   * the pooled count). `ALLOCATION_BELOW_COMMITTED` when the location would hold fewer than it sold,
   * or the allocation would go below held + sold.
   */
  async allocateAt(input: {
    eventId: string;
    sku: string;
    locationId: string;
    units: number;
    source?: LedgerSource;
  }): Promise<InventoryResult<{ stock: SkuStock }>> {
    const { eventId, sku, locationId, units } = input;
    parseInput(eventIdSchema, eventId);
    parseInput(skuSchema, sku);
    parseInput(locationIdSchema, locationId);
    parseInput(unitsSchema, units);
    const s = this.keys.forSku(eventId, sku);
    const reply = await this.run.allocateAt(
      s.stock,
      this.keys.skus(eventId),
      s.ledger,
      s.config,
      s.locations,
      sku,
      locationId,
      String(units),
      input.source ?? 'admin',
      this.ledgerMaxLength,
    );
    if (reply[0] !== 1) return { ok: false, error: scriptError(reply) };
    const [, allocated, available, held, sold, version, generation] = reply as number[];
    return { ok: true, stock: { sku, allocated, available, held, sold, version, generation } as SkuStock };
  }

  /** Units of the SKU at each location: allocated there and sold from there (empty without located stock). */
  async locationStock(eventId: string, sku: string): Promise<Map<string, { allocated: number; sold: number }>> {
    parseInput(eventIdSchema, eventId);
    parseInput(skuSchema, sku);
    const fields = await this.redis.hgetall(this.keys.locations(eventId, sku));
    const byLocation = new Map<string, { allocated: number; sold: number }>();
    for (const [field, value] of Object.entries(fields)) {
      const id = field.slice(2);
      const entry = byLocation.get(id) ?? { allocated: 0, sold: 0 };
      if (field.startsWith('a:')) entry.allocated = Number(value);
      else entry.sold = Number(value);
      byLocation.set(id, entry);
    }
    for (const id of byLocation.keys()) if (!fields[`a:${id}`]) byLocation.delete(id);
    return byLocation;
  }

  /**
   * Expires due holds of every SKU of the event, at most `batchSize` per SKU per call (the SKUs
   * run in parallel); `more` says a SKU had more due holds than its batch.
   */
  async expireDue(eventId: string, batchSize = 100): Promise<ExpireResult> {
    parseInput(eventIdSchema, eventId);
    parseInput(batchSizeSchema, batchSize);
    const k = this.keys;
    const skus = await this.redis.smembers(k.skus(eventId));
    const replies = await Promise.all(
      skus.map((sku) => {
        const s = k.forSku(eventId, sku);
        return this.run.expireDue(
          s.stock,
          s.holdExpiry,
          s.holdData,
          s.shopperHolds,
          s.expiredHolds,
          s.ledger,
          s.config,
          sku,
          batchSize,
          this.ledgerMaxLength,
        );
      }),
    );
    let expired = 0;
    let more = false;
    for (const [count, remaining] of replies as number[][]) {
      expired += count ?? 0;
      more ||= remaining === 1;
    }
    if (expired > 0) log('expired %d holds in %s', expired, eventId);
    return { expired, more };
  }

  /** Counts of every SKU of the event, sorted by SKU, with the event's stock generation. */
  async snapshot(eventId: string): Promise<SkuStock[]> {
    parseInput(eventIdSchema, eventId);
    const [skus, generation] = await Promise.all([
      this.redis.smembers(this.keys.skus(eventId)),
      this.redis.hget(this.keys.config(eventId), 'gen'),
    ]);
    skus.sort();
    const rows = await Promise.all(
      skus.map((sku) =>
        this.redis.hmget(this.keys.stock(eventId, sku), 'allocated', 'available', 'held', 'sold', 'version'),
      ),
    );
    return skus.map((sku, i) => {
      const [allocated, available, held, sold, version] = (rows[i] ?? []).map(Number);
      return { sku, allocated, available, held, sold, version, generation: Number(generation ?? 0) } as SkuStock;
    });
  }

  /**
   * Restores what Redis lost of an event from durable data: its config when missing, and every
   * SKU whose stock is missing with `allocated` and `sold` (no holds), under `generation`, which
   * must be newer than any the event had (draw it from a durable sequence). Safe to run from
   * several processes at once: one restores, the others find nothing missing or a generation at
   * least as new, and change nothing (resolving to `restored: false`).
   */
  async restoreEvent(eventId: string, plan: RestorePlan): Promise<{ restored: boolean; skus: number }> {
    parseInput(eventIdSchema, eventId);
    const input = parseInput(restorePlanSchema, plan);
    const k = this.keys;
    const reply = await this.run.restore(
      3 + 3 * input.skus.length,
      k.config(eventId),
      k.skus(eventId),
      k.ledger(eventId),
      ...input.skus.map((item) => k.stock(eventId, item.sku)),
      ...input.skus.map((item) => k.locations(eventId, item.sku)),
      ...input.skus.map((item) => k.holdData(eventId, item.sku)),
      String(input.generation),
      input.status,
      String(Math.max(1, Math.round(input.holdTtlSeconds * 1000))),
      String(input.maxQtyPerReserve),
      this.ledgerMaxLength,
      ...input.skus.flatMap((item) => [
        item.sku,
        String(item.allocated),
        String(item.sold),
        String(item.limit),
        item.places.map((place) => `${place.locationId} ${place.allocated} ${place.sold}`).join(' '),
        item.buyers
          .filter((buyer) => buyer.units > 0)
          .map((buyer) => `${buyer.shopperId} ${buyer.units}`)
          .join(' '),
      ]),
    );
    if (reply[0] !== 1) return { restored: false, skus: 0 };
    if (Number(reply[1]) > 0) log('restored %d SKUs of %s at generation %d', reply[1], eventId, input.generation);
    return { restored: true, skus: Number(reply[1]) };
  }

  /** A hold as stored, or null when unknown or already released, committed or expired by the scripts. */
  async getHold(eventId: string, holdId: string): Promise<Hold | null> {
    parseInput(eventIdSchema, eventId);
    if (!holdIdSchema.safeParse(holdId).success) return null;
    const record = await this.redis.hget(this.keys.holdData(eventId, skuOfHoldId(holdId)), holdId);
    return record ? decodeHoldRecord(eventId, holdId, record) : null;
  }

  /** The shopper's current holds in the event (an expired one stays listed until it is reclaimed). */
  async listShopperHolds(eventId: string, shopperId: string): Promise<Hold[]> {
    parseInput(eventIdSchema, eventId);
    parseInput(shopperIdSchema, shopperId);
    this.writes.hold();
    const members = await this.redis.zrangebylex(this.keys.shopperHolds(eventId), ...shopperHoldsRange(shopperId));
    return members.map((member) => decodeShopperHold(eventId, member));
  }

  /**
   * Holds this turn's writes on the connection until the turn ends, so the Redis calls of a storm
   * of requests (joins) arriving in one turn leave in one write (see {@link WriteBatcher}).
   */
  batchWrites(): void {
    this.writes.hold();
  }

  /**
   * Moves the reserve results an earlier version kept as one string key each
   * ({@link KeyBuilder.legacyReserveIdempotency}) into this period's hash of their event
   * ({@link KeyBuilder.reserveIdempotency}), each with MULTI (the key and the hash share the
   * event's slot): a retry of a reserve made before an upgrade still replays its hold. A field
   * already in the hash is kept. Scans every master of a cluster. Call it once at start, before
   * reserves are served; it is idempotent, and after a complete scan it marks Redis
   * ({@link KeyBuilder.reserveIdempotencyMigrated}) so that later starts skip the scan. Resolves to
   * how many results it moved.
   */
  async migrateReserveIdempotency(): Promise<number> {
    const done = this.keys.reserveIdempotencyMigrated();
    if ((await this.redis.exists(done)) === 1) return 0;
    const ttl = this.idempotencyTtlSeconds;
    const period = Math.floor(Date.now() / (ttl * 1000));
    const expiresAt = (period + 2) * ttl + 3600;
    const cluster = (this.redis as Cluster).isCluster ? (this.redis as Cluster) : undefined;
    let moved = 0;
    for (const node of cluster ? cluster.nodes('master') : [this.redis as Redis]) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(
          cursor,
          'MATCH',
          this.keys.legacyReserveIdempotencyPattern(),
          'COUNT',
          1000,
        );
        cursor = next;
        for (const key of found) {
          const target = this.keys.reserveIdempotencyOfLegacy(key, period);
          if (target === undefined) continue;
          const value = await this.redis.get(key);
          if (value === null) continue;
          const { hash, field } = target;
          await this.redis.multi().hsetnx(hash, field, value).expireat(hash, expiresAt).del(key).exec();
          moved += 1;
        }
      } while (cursor !== '0');
    }
    // Nothing writes the earlier layout any more: once scanned, later starts need not scan again.
    await this.redis.set(done, String(Date.now()));
    return moved;
  }

  /** Redis's clock now, in epoch milliseconds: the clock every hold expiry is measured on. */
  async now(): Promise<number> {
    return epochMsOfRedisTime(await this.redis.time());
  }
}

/**
 * A reserve's reply from `reserve-n.lua` as the store answers it: the hold as text
 * (`<holdId>|<expiresAt>|<available>|<version>|<generation>`), or an error tuple.
 */
function reserveResult(input: ReserveInput, reply: ReserveReply): InventoryResult<ReserveResult> {
  if (typeof reply !== 'string') return { ok: false, error: scriptError(reply) };
  const [id, expiresAt, available, version, generation] = reply.split('|');
  const { eventId, sku, qty, shopperId } = input;
  return {
    ok: true,
    hold: { id: id!, eventId, sku, qty, shopperId, expiresAt: Number(expiresAt) },
    available: Number(available),
    version: Number(version),
    generation: Number(generation),
  };
}

/** The items of a commit's reply: per hold its id, qty, available, version, generation and draws. */
function commitItems(reply: unknown[]): CommitResult['items'] {
  const items: CommitResult['items'] = [];
  for (let i = 1; i + 5 < reply.length; i += 6) {
    const holdId = String(reply[i]);
    const [qty, available, version, generation] = reply.slice(i + 1, i + 5).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    items.push({
      holdId,
      sku: skuOfHoldId(holdId),
      qty,
      available,
      version,
      generation,
      draws: parseDraws(String(reply[i + 5] ?? '')),
    });
  }
  return items;
}

/** `"<locationId>=<units>,…"` as the commit script writes it. */
function parseDraws(text: string): LocationDraw[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const at = part.lastIndexOf('=');
    return { locationId: part.slice(0, at), qty: Number(part.slice(at + 1)) };
  });
}
