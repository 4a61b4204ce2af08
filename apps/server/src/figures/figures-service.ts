import type { InventoryStore, KeyBuilder } from '@liveshop/inventory';
import type { EventFigures, ProductFigures } from '@liveshop/protocol';
import type { RedisClient } from '../redis-connection.js';
import type { EventService } from '../catalog/event-service.js';
import type { OrderRepository } from '../orders/order-repository.js';
import type { ViewerCounts } from './viewer-counts.js';

/** How many minutes the sales chart shows. */
export const SALES_SERIES_MINUTES = 30;

/**
 * An event's live figures for its host, the same on every process: viewers (summed over
 * processes), each product's allocated, available, held and sold units (Redis), units sold per
 * minute (kept by the anomaly detector from the ledger's commits), orders and revenue.
 */
export class FiguresService {
  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: KeyBuilder;
      inventory: InventoryStore;
      events: EventService;
      viewers: ViewerCounts;
      orders: Pick<OrderRepository, 'totals'>;
    },
  ) {}

  async figures(eventId: string): Promise<EventFigures> {
    const { redis, keys, inventory, events, viewers, orders } = this.deps;
    const [snapshot, stock, viewerCount, sales, totals] = await Promise.all([
      events.snapshot(eventId),
      inventory.snapshot(eventId),
      viewers.total(eventId),
      redis.hgetall(keys.salesPerMinute(eventId)),
      orders.totals(eventId),
    ]);
    const bySku = new Map(stock.map((row) => [row.sku, row]));
    const products = snapshot.products.map((product): ProductFigures => {
      const row = bySku.get(product.sku);
      const figures: ProductFigures = {
        sku: product.sku,
        title: product.title,
        allocated: row?.allocated ?? 0,
        available: row?.available ?? 0,
        held: row?.held ?? 0,
        sold: row?.sold ?? 0,
      };
      if (product.onSaleAt !== undefined) figures.onSaleAt = product.onSaleAt;
      return figures;
    });
    const now = Date.now();
    const lastMinute = Math.floor(now / 60_000) * 60_000;
    const salesPerMinute: EventFigures['salesPerMinute'] = [];
    for (let index = SALES_SERIES_MINUTES - 1; index >= 0; index -= 1) {
      const minute = lastMinute - index * 60_000;
      salesPerMinute.push({ minute, units: Number(sales[String(minute)] ?? 0) });
    }
    const figures: EventFigures = {
      eventId,
      at: now,
      viewers: viewerCount,
      heldUnits: products.reduce((sum, product) => sum + product.held, 0),
      soldUnits: products.reduce((sum, product) => sum + product.sold, 0),
      products,
      salesPerMinute,
      orders: totals.orders,
      revenueCents: totals.revenueCents,
    };
    const currency = snapshot.products[0]?.currency;
    if (currency) figures.currency = currency;
    return figures;
  }
}
