import type { createEventBody } from '@liveshop/protocol';
import {
  ErrorCode,
  LiveshopError,
  type EventSnapshot,
  type EventStatus,
  type InventoryMode,
  type Product,
  type ProductView,
  type SetStockBody,
  type SkuStock,
} from '@liveshop/protocol';
import type { InventoryStore, PosStockMode } from '@liveshop/inventory';
import type { z } from 'zod';
import type { SqlExecutor } from '../db/sql-store.js';
import type { DropStore } from './drop-store.js';
import type { PinStore } from './pin-store.js';
import type { CatalogEvent, EventRepository } from './event-repository.js';

/** Tells connected clients about changes that do not go through the ledger. */
export interface EventNotifier {
  status(eventId: string, status: EventStatus): void;
  pinned(eventId: string, skus: string[]): void;
  drop(eventId: string, sku: string, startsAt: number): void;
}

/** Told about findings the anomaly detector reports (an allocation that could not be applied). */
export interface AllocationWatcher {
  clamped(finding: { eventId: string; sku: string; requested: number; kept: number; held: number; sold: number }): void;
}

/**
 * The units an event's orders took (confirmed, less refunds), which a restore writes back as sold:
 * per SKU, per SKU and location, and per SKU and shopper (what each shopper's limit counts). The
 * order repository answers it; the catalog sits below orders.
 */
export interface SoldUnits {
  soldUnits(db: SqlExecutor, eventId: string): Promise<Map<string, number>>;
  soldByLocation(db: SqlExecutor, eventId: string): Promise<Map<string, Map<string, number>>>;
  boughtByShopper(db: SqlExecutor, eventId: string): Promise<Map<string, Map<string, number>>>;
}

const CATALOG_CACHE_MS = 2_000;

/** What {@link EventService.reconcile} did to one event. */
export type Reconciled = 'unchanged' | 'restored' | 'repaired' | 'gone';

/**
 * Events as the API and the sockets see them: the SQL catalog joined with live stock from Redis.
 *
 * PostgreSQL owns every setting (the catalog, status, hold TTL, limits) and each SKU's allocation;
 * Redis holds a copy the scripts read, and owns what moves fast (held units, versions). A change
 * takes the event's row lock, writes Redis inside the transaction and commits after it, so a
 * failure leaves both as they were, except a crash between the Redis write and the commit, which
 * {@link reconcile} repairs from PostgreSQL at start and after every Redis reconnect. When Redis
 * lost the event (or part of it), {@link reconcile} restores it under a new stock generation.
 */
export class EventService {
  readonly #cache = new Map<string, { event: CatalogEvent | null; at: number }>();
  readonly #loading = new Map<string, Promise<CatalogEvent | null>>();
  notifier: EventNotifier = { status: () => undefined, pinned: () => undefined, drop: () => undefined };
  /** Called after an event is created or changes status on this process (the sweeper re-reads its list). */
  onCatalogChange: (eventId: string) => void = () => undefined;
  /** Called after Redis got an event back from PostgreSQL, for what other owners keep in Redis (bans). */
  onRestored: (eventId: string) => Promise<void> = async () => undefined;
  allocations: AllocationWatcher = { clamped: () => undefined };
  /**
   * Called after an event whose stock follows the POS was created, or restored after Redis lost
   * it: the POS sync writes the counts it knows back (see `PosInbound.replay`).
   */
  onPosStockNeeded: (eventId: string) => Promise<void> = async () => undefined;

  constructor(
    private readonly repository: EventRepository,
    private readonly inventory: InventoryStore,
    private readonly pins: PinStore,
    private readonly orders: SoldUnits,
    private readonly drops: DropStore,
  ) {}

  /**
   * The catalog entry, cached for two seconds per process (also when absent, so unknown ids do not
   * reach the database on every join). Its status may lag a change made on another process, so
   * {@link snapshot} does not show it.
   */
  async catalog(eventId: string): Promise<CatalogEvent | null> {
    const cached = this.#cache.get(eventId);
    if (cached && Date.now() - cached.at < CATALOG_CACHE_MS) return cached.event;
    // Requests arriving while the entry is read share that one read.
    let loading = this.#loading.get(eventId);
    if (!loading) {
      loading = this.repository.get(eventId).finally(() => this.#loading.delete(eventId));
      this.#loading.set(eventId, loading);
      const event = await loading;
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(eventId, { event, at: Date.now() });
      return event;
    }
    return loading;
  }

  /** Drops the cached entry, after any read begun before the change (it must not cache the old entry). */
  async #forget(eventId: string): Promise<void> {
    await this.#loading.get(eventId)?.catch(() => undefined);
    this.#cache.delete(eventId);
  }

  async require(eventId: string): Promise<CatalogEvent> {
    const event = await this.catalog(eventId);
    if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
    return event;
  }

  /**
   * Creates the event and its products (a product without its own per-shopper limit gets the
   * event's default); `CONFLICT` when the id is taken.
   */
  async create(body: z.output<typeof createEventBody>): Promise<EventSnapshot> {
    const { products, defaultLimitPerShopper, inventory, ...details } = body;
    const skus = new Set<string>();
    for (const product of products) {
      if (skus.has(product.sku)) throw new LiveshopError(ErrorCode.INVALID_INPUT, `sku ${product.sku} is listed twice`);
      skus.add(product.sku);
    }
    const event: CatalogEvent = {
      ...details,
      ...(inventory.mode === 'manual' ? {} : { inventory }),
      products: products.map((product) => ({
        ...product,
        limitPerShopper: product.limitPerShopper ?? defaultLimitPerShopper,
      })),
    };
    await this.repository.transaction(async (tx) => {
      if (!(await this.repository.insertIn(tx, event))) {
        throw new LiveshopError(ErrorCode.CONFLICT, `event ${event.id} already exists`);
      }
      // Redis gets the event before the commit: when it cannot, nothing is created.
      await this.#restore(tx, event, new Map());
      await this.inventory.pos.configure(event.id, posStockModeOf(event.inventory));
    });
    await this.#forget(event.id);
    this.onCatalogChange(event.id);
    if (event.inventory) await this.onPosStockNeeded(event.id);
    return this.snapshot(event.id);
  }

  /**
   * Brings Redis in step with PostgreSQL for one event, under the event's lock: restores what
   * Redis lost (config, SKUs) under a new stock generation, and puts back settings (status, hold
   * TTL, limits) and allocations that differ from the ones in the database (a crash between a
   * Redis write and its commit). SKUs with stock in Redis and no allocation recorded (events from
   * before allocations were kept) have theirs recorded.
   */
  async reconcile(eventId: string): Promise<Reconciled> {
    return this.repository.transaction(async (tx) => {
      const event = await this.repository.lock(tx, eventId);
      if (!event) return 'gone';
      const allocations = await this.repository.allocations(tx, eventId);
      if (await this.#restore(tx, event, allocations)) {
        await this.inventory.pos.configure(eventId, posStockModeOf(event.inventory));
        await this.#restoreDrops(eventId);
        await this.onRestored(eventId);
        return 'restored';
      }
      let repaired = await this.#repairConfig(event);
      // Stock that follows the POS is Redis's to set (from counts); its allocation is not repaired.
      if (event.inventory) return repaired ? 'repaired' : 'unchanged';
      for (const stock of await this.inventory.snapshot(eventId)) {
        const units = allocations.get(stock.sku);
        if (units === undefined) {
          await this.repository.setAllocation(tx, eventId, stock.sku, stock.allocated);
        } else if (units !== stock.allocated) {
          const result = await this.inventory.allocate({ eventId, sku: stock.sku, units, source: 'system' });
          if (!result.ok) {
            console.warn(
              `liveshop: event ${eventId}: sku ${stock.sku} keeps allocation ${stock.allocated}: ${result.error.message}`,
            );
            await this.repository.setAllocation(tx, eventId, stock.sku, stock.allocated);
            this.allocations.clamped({
              eventId,
              sku: stock.sku,
              requested: units,
              kept: stock.allocated,
              held: stock.held,
              sold: stock.sold,
            });
          }
          repaired = true;
        }
      }
      return repaired ? 'repaired' : 'unchanged';
    });
  }

  /** Writes the event's settings (status, hold TTL, reserve cap, limits) to Redis when its copy differs; resolves true when it did. */
  async #repairConfig(event: CatalogEvent): Promise<boolean> {
    const posMode = posStockModeOf(event.inventory);
    let posRepaired = false;
    if (JSON.stringify(await this.inventory.pos.mode(event.id)) !== JSON.stringify(posMode)) {
      await this.inventory.pos.configure(event.id, posMode);
      posRepaired = true;
    }
    const stored = await this.inventory.getEventConfig(event.id);
    const wanted = {
      status: event.status,
      holdTtlSeconds: event.holdTtlSeconds,
      maxQtyPerReserve: event.maxQtyPerReserve,
      limits: limitsOf(event.products),
    };
    if (
      stored?.status === wanted.status &&
      stored.holdTtlSeconds === wanted.holdTtlSeconds &&
      stored.maxQtyPerReserve === wanted.maxQtyPerReserve &&
      JSON.stringify(Object.entries(stored.limits ?? {}).sort()) ===
        JSON.stringify(Object.entries(wanted.limits).sort())
    ) {
      return posRepaired;
    }
    await this.inventory.configureEvent(event.id, wanted);
    return true;
  }

  /** {@link reconcile}s every event that is not ended; resolves to how many were restored and repaired. */
  async reconcileAll(): Promise<{ restored: string[]; repaired: string[] }> {
    const restored: string[] = [];
    const repaired: string[] = [];
    for (const eventId of await this.repository.listOpen()) {
      const outcome = await this.reconcile(eventId);
      if (outcome === 'restored' && (await this.catalog(eventId))?.inventory) await this.onPosStockNeeded(eventId);
      if (outcome === 'restored') restored.push(eventId);
      if (outcome === 'repaired') repaired.push(eventId);
    }
    return { restored, repaired };
  }

  /**
   * Writes back to Redis whatever it lacks of the event (nothing when it lacks nothing), under a
   * generation drawn from the durable sequence; resolves true when it restored anything. Held
   * units are not durable and come back as available; units sold are those of the event's
   * confirmed orders, less refunds; each location gets back its allocation and the units sold from
   * it (decision 0103), and each buyer the units bought, which the per-shopper limit counts.
   */
  async #restore(tx: SqlExecutor, event: CatalogEvent, allocations: Map<string, number>): Promise<boolean> {
    const sold = await this.orders.soldUnits(tx, event.id);
    const located = await this.repository.locatedAllocations(tx, event.id);
    const soldThere = await this.orders.soldByLocation(tx, event.id);
    const buyers = await this.orders.boughtByShopper(tx, event.id);
    const { restored } = await this.inventory.restoreEvent(event.id, {
      generation: await this.repository.nextGeneration(tx),
      status: event.status,
      holdTtlSeconds: event.holdTtlSeconds,
      maxQtyPerReserve: event.maxQtyPerReserve,
      skus: event.products.map((product) => ({
        sku: product.sku,
        allocated: Math.max(allocations.get(product.sku) ?? 0, sold.get(product.sku) ?? 0),
        sold: sold.get(product.sku) ?? 0,
        limit: product.limitPerShopper,
        places: [...(located.get(product.sku) ?? [])].map(([locationId, units]) => ({
          locationId,
          allocated: units,
          sold: soldThere.get(product.sku)?.get(locationId) ?? 0,
        })),
        buyers: [...(buyers.get(product.sku) ?? [])].map(([shopperId, units]) => ({ shopperId, units })),
      })),
    });
    return restored;
  }

  /**
   * Sets each SKU's allocation, in Redis (which refuses going below held + sold) and as the
   * allocation last set in PostgreSQL, under the event's lock. Items are applied one by one (each
   * atomically); when one is refused, the ones before it stay applied and the error names the SKU.
   */
  async setStock(eventId: string, items: SetStockBody['items']): Promise<{ items: SkuStock[] }> {
    let refusal: LiveshopError | undefined;
    let clamped: { sku: string; quantity: number } | undefined;
    const stock = await this.repository.transaction(async (tx) => {
      const event = await this.repository.lock(tx, eventId);
      if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
      const located = items.filter((item) => item.locationId !== undefined);
      if (located.length > 0) {
        const { rows } = await tx.query<{ id: string }>('select id from locations where id = any($1)', [
          located.map((item) => item.locationId),
        ]);
        const knownLocations = new Set(rows.map((row) => row.id));
        const missing = located.find((item) => !knownLocations.has(item.locationId!));
        if (missing) throw new LiveshopError(ErrorCode.NOT_FOUND, `location ${missing.locationId} does not exist`);
      }
      if (event.inventory?.mode === 'shared') {
        throw new LiveshopError(
          ErrorCode.CONFLICT,
          `event ${eventId} shares the POS stock: its stock follows the POS counts and is not set by hand`,
        );
      }
      const known = new Set(event.products.map((product) => product.sku));
      const unknown = items.find((item) => !known.has(item.sku));
      if (unknown) {
        throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${unknown.sku} is not a product of event ${eventId}`);
      }
      // An allocation must never land in an event Redis lost: it would start a SKU's versions over
      // in the old generation. Restoring first (a no-op when nothing is missing) rules that out.
      await this.#restore(tx, event, await this.repository.allocations(tx, eventId));
      const applied: SkuStock[] = [];
      for (const item of items) {
        const located = item.locationId;
        // Without a location: the event's unlocated pool, so the SKU's allocation is it plus its locations' units.
        const result = located
          ? await this.inventory.allocateAt({ eventId, sku: item.sku, locationId: located, units: item.quantity })
          : await this.inventory.allocate({
              eventId,
              sku: item.sku,
              units: item.quantity + (await this.repository.locatedUnits(tx, eventId, item.sku)),
              source: 'admin',
            });
        if (!result.ok) {
          refusal = new LiveshopError(result.error.code, `sku ${item.sku}: ${result.error.message}`);
          if (result.error.code === ErrorCode.ALLOCATION_BELOW_COMMITTED) clamped = item;
          break;
        }
        await this.repository.setAllocation(tx, eventId, item.sku, item.quantity, located ?? '');
        applied.push(result.stock);
      }
      return applied;
    });
    if (clamped) {
      const current = (await this.inventory.snapshot(eventId)).find((row) => row.sku === clamped!.sku);
      if (current) {
        this.allocations.clamped({
          eventId,
          sku: current.sku,
          requested: clamped.quantity,
          kept: current.allocated,
          held: current.held,
          sold: current.sold,
        });
      }
    }
    if (refusal) throw refusal;
    return { items: stock };
  }

  /**
   * Changes the status in the catalog and in Redis under the event's lock (Redis refusing leaves
   * both unchanged), then tells every viewer.
   */
  async setStatus(eventId: string, status: EventStatus): Promise<{ status: EventStatus }> {
    await this.repository.transaction(async (tx) => {
      const event = await this.repository.lock(tx, eventId);
      if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
      await this.repository.setStatus(eventId, status, tx);
      await this.#restore(tx, { ...event, status }, await this.repository.allocations(tx, eventId));
      await this.inventory.configureEvent(eventId, { status });
    });
    await this.#forget(eventId);
    this.onCatalogChange(eventId);
    this.notifier.status(eventId, status);
    return { status };
  }

  /**
   * Makes a product a drop: reserves of it before `startsAt` (epoch ms) are `NOT_ON_SALE`, and
   * every viewer is told (`drop`). Recorded in PostgreSQL first, then written where the reserve
   * script reads it; a `startsAt` already past puts the product on sale now.
   */
  async setDrop(
    eventId: string,
    sku: string,
    startsAt: number,
    actor: string,
  ): Promise<{ sku: string; startsAt: number }> {
    const event = await this.require(eventId);
    if (!event.products.some((product) => product.sku === sku)) {
      throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${sku} is not a product of event ${eventId}`);
    }
    await this.drops.set(eventId, sku, startsAt, actor);
    await this.inventory.setOnSaleAt(eventId, sku, startsAt > (await this.inventory.now()) ? startsAt : null);
    this.notifier.drop(eventId, sku, startsAt);
    return { sku, startsAt };
  }

  /** Writes the event's drops still to come back into Redis (after Redis lost the event). */
  async #restoreDrops(eventId: string): Promise<void> {
    const now = await this.inventory.now();
    for (const [sku, startsAt] of await this.drops.list(eventId)) {
      if (startsAt > now) await this.inventory.setOnSaleAt(eventId, sku, startsAt);
    }
  }

  /** Pins up to three of the event's products (an empty list unpins), then tells every viewer. */
  async setPinned(eventId: string, skus: string[]): Promise<{ skus: string[] }> {
    const event = await this.require(eventId);
    const unique = [...new Set(skus)];
    const known = new Set(event.products.map((product) => product.sku));
    const unknown = unique.find((sku) => !known.has(sku));
    if (unknown) throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${unknown} is not a product of event ${eventId}`);
    await this.pins.set(eventId, unique);
    this.notifier.pinned(eventId, unique);
    return { skus: unique };
  }

  /**
   * The event, every product with its stock and version, and the pinned SKUs. The status shown is
   * the one reserves are checked against now: Redis's copy, the same on every process (PostgreSQL
   * owns the status; {@link reconcile} puts back a copy that drifted).
   */
  async snapshot(eventId: string): Promise<EventSnapshot> {
    const event = await this.require(eventId);
    const [config, stock, pinned] = await Promise.all([
      this.inventory.getEventConfig(eventId),
      this.inventory.snapshot(eventId),
      this.pins.get(eventId),
    ]);
    const bySku = new Map(stock.map((item) => [item.sku, item]));
    const onSaleAt = config?.onSaleAt ?? {};
    const now = Date.now();
    const { products, inventory: _inventory, ...details } = event;
    return {
      event: { ...details, status: config?.status ?? details.status },
      products: products.map((product): ProductView => {
        const item = bySku.get(product.sku);
        const view: ProductView = {
          ...product,
          available: item?.available ?? 0,
          version: item?.version ?? 0,
          generation: item?.generation ?? 0,
        };
        const opens = onSaleAt[product.sku];
        if (opens !== undefined && opens > now) view.onSaleAt = opens;
        return view;
      }),
      pinned,
    };
  }
}

/** The per-shopper limits of the products that have one, as Redis keeps them. */
function limitsOf(products: Product[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const product of products) if (product.limitPerShopper > 0) limits[product.sku] = product.limitPerShopper;
  return limits;
}

/** The part of an event's inventory mode the stock scripts read (null: manual). */
function posStockModeOf(inventory: InventoryMode | undefined): PosStockMode | null {
  if (inventory?.mode === 'shared') return { mode: 'shared', safetyBuffer: inventory.safetyBuffer };
  if (inventory?.mode === 'exclusive') {
    if (inventory.units !== undefined) return { mode: 'exclusive', units: inventory.units };
    if (inventory.percent !== undefined) return { mode: 'exclusive', percent: inventory.percent };
    return { mode: 'exclusive' };
  }
  return null;
}
