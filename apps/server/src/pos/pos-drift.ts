import { randomUUID } from 'node:crypto';
import type { PosCount, PosInventoryClient, PosProvider } from '@liveshop/pos';
import type { InventoryStore } from '@liveshop/inventory';
import {
  ErrorCode,
  LiveshopError,
  type PosDriftLine,
  type PosDriftReport,
  type PosMappingsBody,
} from '@liveshop/protocol';
import type { EventRepository } from '../catalog/event-repository.js';
import type { PosInbound } from './pos-inbound.js';
import type { PosRepository } from './pos-repository.js';

/**
 * Reconciliation: compares what the POS says with what a live event counts, per SKU and location
 * (`GET /api/admin/pos/drift`), and pulls current counts from the POS through the adapters, or
 * takes them from a CSV, applying them like a webhook (`POST /api/admin/pos/reconcile`, and on a
 * schedule); after each reconciliation the drift goes to {@link onReconciled} (the event's
 * moderators).
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

  /** Told of the drift after each reconciliation. */
  onReconciled: (report: PosDriftReport) => void = () => undefined;

  async report(eventId: string): Promise<PosDriftReport> {
    const event = await this.deps.events.get(eventId);
    if (!event) throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} does not exist`);
    const skus = event.products.map((product) => product.sku);
    const counts = await this.deps.repository.onHandOf(skus);
    const stock = await this.deps.inventory.snapshot(eventId);
    const lines: PosDriftLine[] = [];
    const perSku: PosDriftReport['skus'] = [];
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
    return { eventId, mode: event.inventory?.mode ?? 'manual', lines, skus: perSku, at: Date.now() };
  }

  /**
   * Pulls the POS's counts of the event's mapped SKUs (every configured provider, or `provider`),
   * or takes `csvCounts`, and applies them as counts true now. Answers the drift found — per SKU
   * and location, the count pulled against the on-hand the event counted before (`drift`, also
   * told to {@link onReconciled}) — and the stored reports before and after applying.
   */
  async reconcile(
    eventId: string,
    source: { provider?: PosProvider; csvCounts?: PosCount[] } = {},
  ): Promise<{
    pulled: number;
    applied: number;
    drift: PosDriftReport;
    before: PosDriftReport;
    after: PosDriftReport;
    failures: string[];
  }> {
    const before = await this.report(eventId);
    const counts: PosCount[] = [];
    const failures: string[] = [];
    const mappings = await this.deps.repository.mappings();
    if (source.csvCounts) counts.push(...source.csvCounts);
    else {
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
    const event = await this.deps.events.get(eventId);
    const found = foundDrift(before, event?.inventory?.locations, counts, mappings);
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
    const after = await this.report(eventId);
    const drift: PosDriftReport = { ...after, lines: found };
    this.onReconciled(drift);
    return { pulled: counts.length, applied, drift, before, after, failures };
  }
}

/** Per SKU and location of the event: the count pulled from the POS against the on-hand the event counted. */
function foundDrift(
  before: PosDriftReport,
  locations: string[] | undefined,
  counts: PosCount[],
  mappings: PosMappingsBody,
): PosDriftLine[] {
  const skuOf = new Map(mappings.items.map((m) => [`${m.provider}\n${m.posItemId}`, m.sku]));
  const locationOf = new Map(mappings.locations.map((m) => [`${m.provider}\n${m.posLocationId}`, m.locationId]));
  const skus = new Set(before.skus.map((s) => s.sku));
  const lines = new Map<string, PosDriftLine>();
  for (const count of counts) {
    const sku = skuOf.get(`${count.provider}\n${count.posItemId}`);
    const locationId = locationOf.get(`${count.provider}\n${count.posLocationId}`);
    if (!sku || !locationId || !skus.has(sku)) continue;
    const known = before.lines.find((line) => line.sku === sku && line.locationId === locationId);
    if (locations && !locations.includes(locationId)) continue;
    const live = known?.live ?? null;
    lines.set(`${sku}\n${locationId}`, {
      sku,
      locationId,
      pos: count.onHand,
      live,
      drift: live === null ? count.onHand : count.onHand - live,
    });
  }
  return [...lines.values()].sort((a, b) => a.sku.localeCompare(b.sku) || a.locationId.localeCompare(b.locationId));
}
