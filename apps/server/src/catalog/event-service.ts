import type { createEventBody } from '@liveshop/protocol';
import {
  ErrorCode,
  LiveshopError,
  type EventSnapshot,
  type EventStatus,
  type Product,
  type ProductView,
  type SetStockBody,
  type SkuStock,
} from '@liveshop/protocol';
import type { InventoryStore } from '@liveshop/inventory';
import type { z } from 'zod';
import type { PinStore } from '../realtime/pin-store.js';
import type { CatalogEvent, EventRepository } from './event-repository.js';

/** Tells connected clients about changes that do not go through the ledger. */
export interface EventNotifier {
  status(eventId: string, status: EventStatus): void;
  pinned(eventId: string, skus: string[]): void;
}

const CATALOG_CACHE_MS = 2_000;

/**
 * Events as the API and the sockets see them: the SQL catalog joined with live stock and status
 * from Redis. Keeps Redis event configuration (status, hold TTL, per-shopper limits) in step with
 * the catalog, because the reserve script reads it from there.
 */
export class EventService {
  readonly #cache = new Map<string, { event: CatalogEvent | null; at: number }>();
  notifier: EventNotifier = { status: () => undefined, pinned: () => undefined };
  /** Called after an event is created or changes status on this process (the sweeper re-reads its list). */
  onCatalogChange: (eventId: string) => void = () => undefined;

  constructor(
    private readonly repository: EventRepository,
    private readonly inventory: InventoryStore,
    private readonly pins: PinStore,
  ) {}

  /**
   * The catalog entry, cached for two seconds per process (also when absent, so unknown ids do not
   * reach the database on every join). Status may be stale here; {@link snapshot} reads it from Redis.
   */
  async catalog(eventId: string): Promise<CatalogEvent | null> {
    const cached = this.#cache.get(eventId);
    if (cached && Date.now() - cached.at < CATALOG_CACHE_MS) return cached.event;
    const event = await this.repository.get(eventId);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(eventId, { event, at: Date.now() });
    return event;
  }

  async require(eventId: string): Promise<CatalogEvent> {
    const event = await this.catalog(eventId);
    if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
    return event;
  }

  /** Creates the event and its products; `CONFLICT` when the id is taken. */
  async create(body: z.output<typeof createEventBody>): Promise<EventSnapshot> {
    const { products, ...details } = body;
    const skus = new Set<string>();
    for (const product of products) {
      if (skus.has(product.sku)) throw new LiveshopError(ErrorCode.INVALID_INPUT, `sku ${product.sku} is listed twice`);
      skus.add(product.sku);
    }
    const event: CatalogEvent = { ...details, products };
    if (!(await this.repository.insert(event))) {
      throw new LiveshopError(ErrorCode.CONFLICT, `event ${event.id} already exists`);
    }
    this.#cache.delete(event.id);
    await this.syncRedis(event);
    this.onCatalogChange(event.id);
    return this.snapshot(event.id);
  }

  /**
   * Gives every open event whose configuration Redis lacks (Redis was replaced or flushed) its
   * configuration back from the catalog, so reserves work again after a restart.
   */
  async restoreRedis(): Promise<number> {
    let restored = 0;
    for (const eventId of await this.repository.listOpen()) {
      if (await this.inventory.getEventConfig(eventId)) continue;
      const event = await this.repository.get(eventId);
      if (!event) continue;
      await this.syncRedis(event);
      restored += 1;
    }
    return restored;
  }

  /**
   * Writes the event's configuration to Redis and gives every product without stock an
   * allocation of 0, so reserving it answers `SOLD_OUT` rather than `NOT_FOUND`.
   */
  async syncRedis(event: CatalogEvent): Promise<void> {
    await this.inventory.configureEvent(event.id, {
      status: event.status,
      holdTtlSeconds: event.holdTtlSeconds,
      limits: limitsOf(event.products),
    });
    const stocked = new Set((await this.inventory.snapshot(event.id)).map((stock) => stock.sku));
    for (const product of event.products) {
      if (stocked.has(product.sku)) continue;
      const result = await this.inventory.allocate({ eventId: event.id, sku: product.sku, units: 0, source: 'system' });
      if (!result.ok) throw new LiveshopError(result.error.code, result.error.message);
    }
  }

  /**
   * Sets each SKU's allocation. Items are applied one by one (each atomically); when one fails,
   * the ones before it stay applied and the error names the SKU that failed.
   */
  async setStock(eventId: string, items: SetStockBody['items']): Promise<{ items: SkuStock[] }> {
    const event = await this.require(eventId);
    const known = new Set(event.products.map((product) => product.sku));
    for (const item of items) {
      if (!known.has(item.sku)) {
        throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${item.sku} is not a product of event ${eventId}`);
      }
    }
    const stock: SkuStock[] = [];
    for (const item of items) {
      const result = await this.inventory.allocate({ eventId, sku: item.sku, units: item.quantity, source: 'admin' });
      if (!result.ok) throw new LiveshopError(result.error.code, `sku ${item.sku}: ${result.error.message}`);
      stock.push(result.stock);
    }
    return { items: stock };
  }

  /** Changes the status in the catalog and in Redis, then tells every viewer. */
  async setStatus(eventId: string, status: EventStatus): Promise<{ status: EventStatus }> {
    await this.require(eventId);
    await this.repository.setStatus(eventId, status);
    await this.inventory.configureEvent(eventId, { status });
    this.#cache.delete(eventId);
    this.onCatalogChange(eventId);
    this.notifier.status(eventId, status);
    return { status };
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

  /** The event with live status, every product with its stock and version, and the pinned SKUs. */
  async snapshot(eventId: string): Promise<EventSnapshot> {
    const event = await this.require(eventId);
    const [config, stock, pinned] = await Promise.all([
      this.inventory.getEventConfig(eventId),
      this.inventory.snapshot(eventId),
      this.pins.get(eventId),
    ]);
    const bySku = new Map(stock.map((item) => [item.sku, item]));
    const { products, ...details } = event;
    return {
      event: { ...details, status: config?.status ?? details.status },
      products: products.map((product): ProductView => {
        const item = bySku.get(product.sku);
        return { ...product, available: item?.available ?? 0, version: item?.version ?? 0 };
      }),
      pinned,
    };
  }
}

function limitsOf(products: Product[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const product of products) if (product.limitPerShopper > 0) limits[product.sku] = product.limitPerShopper;
  return limits;
}
