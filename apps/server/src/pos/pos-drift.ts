import { randomUUID } from 'node:crypto';
import type { PosCount, PosInventoryClient, PosProvider } from '@liveshop/pos';
import type { InventoryStore } from '@liveshop/inventory';
import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import type { EventRepository } from '../catalog/event-repository.js';
import type { PosInbound } from './pos-inbound.js';
import type { PosRepository } from './pos-repository.js';

/** One SKU at one location: what the POS last reported and what the event counts. */
export interface DriftLine {
  sku: string;
  locationId: string;
  /** The POS's newest count (a webhook, an adjustment's answer or a pull); null when none came. */
  pos: number | null;
  /** The on-hand the event's live stock is computed from; null when the event has none. */
  live: number | null;
  /** pos − live (0 when either is missing). */
  drift: number;
}

export interface DriftReport {
  eventId: string;
  mode: string;
  lines: DriftLine[];
  skus: { sku: string; available: number; held: number; sold: number; unsynced: number }[];
}

/**
 * Reconciliation: compares what the POS says with what a live event counts, per SKU and location
 * (`GET /api/admin/pos/drift`), and pulls current counts from the POS through the adapters, or
 * takes them from a CSV, applying them like a webhook (`POST /api/admin/pos/reconcile`).
 */
export class PosDrift {
  constructor(
    private readonly deps: {
      events: EventRepository;
      repository: PosRepository;
      inventory: InventoryStore;
      inbound: PosInbound;
      clients: ReadonlyMap<PosProvider, PosInventoryClient>;
    },
  ) {}

  async report(eventId: string): Promise<DriftReport> {
    const event = await this.deps.events.get(eventId);
    if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
    const skus = event.products.map((product) => product.sku);
    const counts = await this.deps.repository.onHandOf(skus);
    const stock = await this.deps.inventory.snapshot(eventId);
    const lines: DriftLine[] = [];
    const perSku: DriftReport['skus'] = [];
    for (const sku of skus) {
      const live = await this.deps.inventory.pos.read(eventId, sku);
      const locations = new Set([
        ...live.onHand.keys(),
        ...counts.filter((c) => c.sku === sku).map((c) => c.locationId),
      ]);
      for (const locationId of [...locations].sort()) {
        if (event.inventory?.locations && !event.inventory.locations.includes(locationId)) continue;
        const pos = counts.find((c) => c.sku === sku && c.locationId === locationId)?.onHand ?? null;
        const liveOnHand = live.onHand.get(locationId) ?? null;
        lines.push({
          sku,
          locationId,
          pos,
          live: liveOnHand,
          drift: pos !== null && liveOnHand !== null ? pos - liveOnHand : 0,
        });
      }
      const s = stock.find((item) => item.sku === sku);
      if (s)
        perSku.push({
          sku,
          available: s.available,
          held: s.held,
          sold: s.sold,
          unsynced: Math.max(0, s.sold - live.synced),
        });
    }
    return { eventId, mode: event.inventory?.mode ?? 'manual', lines, skus: perSku };
  }

  /**
   * Pulls the POS's counts of the event's mapped SKUs (every configured provider, or `provider`),
   * or takes `csvCounts`, and applies them as counts true now; answers the drift found before and
   * after applying them.
   */
  async reconcile(
    eventId: string,
    source: { provider?: PosProvider; csvCounts?: PosCount[] } = {},
  ): Promise<{ pulled: number; applied: number; before: DriftReport; after: DriftReport; failures: string[] }> {
    const before = await this.report(eventId);
    const counts: PosCount[] = [];
    const failures: string[] = [];
    if (source.csvCounts) counts.push(...source.csvCounts);
    else {
      const mappings = await this.deps.repository.mappings();
      const skus = new Set(before.skus.map((s) => s.sku));
      for (const [provider, client] of this.deps.clients) {
        if (source.provider && source.provider !== provider) continue;
        const posItemIds = mappings.items
          .filter((m) => m.provider === provider && skus.has(m.sku))
          .map((m) => m.posItemId);
        const posLocationIds = mappings.locations.filter((m) => m.provider === provider).map((m) => m.posLocationId);
        if (posItemIds.length === 0) continue;
        const result = await client.fetchCounts({
          posItemIds,
          ...(posLocationIds.length > 0 ? { posLocationIds } : {}),
        });
        if (result.ok) counts.push(...result.counts);
        else failures.push(`${provider}: ${result.code}: ${result.message}`);
      }
    }
    let applied = 0;
    const byProvider = new Map<PosProvider, PosCount[]>();
    for (const count of counts) byProvider.set(count.provider, [...(byProvider.get(count.provider) ?? []), count]);
    const now = Date.now();
    for (const [provider, list] of byProvider) {
      const result = await this.deps.inbound.apply({
        provider,
        deliveryId: `reconcile:${randomUUID()}`,
        skipped: [],
        updates: list.map((count) => ({ ...count, occurredAt: now, deliveryId: 'reconcile' })),
      });
      applied += result.applied;
    }
    return { pulled: counts.length, applied, before, after: await this.report(eventId), failures };
  }
}
