import {
  type SaleDelivery,
  createGenericWebhookAdapter,
  createShopifyWebhookAdapter,
  createSquareWebhookAdapter,
  type InventoryDelivery,
  type PosInventoryUpdate,
  type RawWebhookRequest,
  type WebhookAdapter,
} from '@liveshop/pos';
import type { InventoryStore } from '@liveshop/inventory';
import type { PosProviderName } from '@liveshop/protocol';
import createDebug from 'debug';
import type { CustomerResolver } from '../analytics/customer-resolver.js';
import type { PosSignals } from '../anomalies/pos-signals.js';
import type { SqlExecutor } from '../db/sql-store.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { PosEvent, PosIncident, PosRepository } from './pos-repository.js';

const debug = createDebug('liveshop:pos');
/** How long this process reuses the mappings it read (as the catalog cache): a new mapping made elsewhere applies within it. */
const LOOKUP_CACHE_MS = 2_000;
/** Delivery ids this process applied lately, answered as duplicates without the database. */
const RECENT_DELIVERIES = 10_000;
/** Bad-signature incidents recorded per provider per minute; more are only counted (a flood must not fill the table). */
const BAD_SIGNATURES_RECORDED_PER_MINUTE = 20;

export interface WebhookSecrets {
  shopifyWebhookSecret?: string;
  squareSignatureKey?: string;
  squareWebhookUrl?: string;
  posWebhookSecret?: string;
}

/** Where inbound POS sync reports what the anomaly rules judge: the POS signals, and the events to tell of a delivery that names none. */
export interface PosInboundSignals {
  signals: PosSignals;
  /** The events not ended (a duplicate or stale delivery concerns all of them). */
  openEventIds(): Promise<string[]>;
}

/** The answer to one webhook delivery: HTTP status and JSON body. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What applying an inventory delivery did. */
export interface AppliedDelivery {
  duplicate: boolean;
  applied: number;
  stale: number;
  unmapped: number;
  untracked: number;
}

/**
 * Inbound POS sync: verifies a webhook with its provider's adapter, drops a delivery seen before,
 * maps POS ids to SKUs and locations, keeps the newest count per SKU and location in PostgreSQL and
 * applies it to every event whose stock follows the POS (script `posApply`). The delivery id, the
 * counts and the Redis writes are one step: the delivery is recorded in the transaction that
 * stores its counts, Redis is written before that transaction commits, and a failure anywhere
 * rolls the delivery back so the provider's retry applies it.
 */
export class PosInbound {
  readonly #adapters = new Map<PosProviderName, WebhookAdapter>();
  readonly #badSignatures = new Map<string, { minute: number; count: number }>();
  /** Deliveries committed by this process, oldest first (a replay is answered from here). */
  readonly #recent = new Set<string>();
  /** Deliveries being applied by this process: a concurrent replay waits for the first. */
  readonly #inFlight = new Map<string, Promise<AppliedDelivery>>();
  #lookups: { at: number; skus: Map<string, string>; locations: Map<string, string> } | null = null;

  constructor(
    private readonly repository: PosRepository,
    private readonly inventory: InventoryStore,
    private readonly metrics: ServerMetrics,
    private readonly identity: Pick<CustomerResolver, 'resolve'>,
    private readonly anomalies: PosInboundSignals,
    secrets: WebhookSecrets,
  ) {
    if (secrets.shopifyWebhookSecret) {
      this.#adapters.set('shopify', createShopifyWebhookAdapter({ secret: secrets.shopifyWebhookSecret }));
    }
    if (secrets.squareSignatureKey && secrets.squareWebhookUrl) {
      this.#adapters.set(
        'square',
        createSquareWebhookAdapter({
          signatureKey: secrets.squareSignatureKey,
          notificationUrl: secrets.squareWebhookUrl,
        }),
      );
    }
    if (secrets.posWebhookSecret) {
      this.#adapters.set('generic', createGenericWebhookAdapter({ secret: secrets.posWebhookSecret }));
    }
  }

  /** Answers one delivery to `POST /webhooks/<provider>`. Rejects only when a store fails (answered 503 and retried). */
  async receive(provider: PosProviderName, request: RawWebhookRequest): Promise<WebhookAnswer> {
    const started = performance.now();
    try {
      const answer = await this.#answer(provider, request);
      this.metrics.posWebhooks.labels(provider, String(answer.body.outcome ?? 'applied')).inc();
      return answer;
    } catch (error) {
      this.metrics.posWebhooks.labels(provider, 'error').inc();
      throw error;
    } finally {
      this.metrics.posWebhookDuration.observe((performance.now() - started) / 1000);
    }
  }

  async #answer(provider: PosProviderName, request: RawWebhookRequest): Promise<WebhookAnswer> {
    const adapter = this.#adapters.get(provider);
    if (!adapter) {
      return refusal(401, 'bad_signature', 'UNAUTHORIZED', `no ${provider} webhook secret is configured`);
    }
    const result = adapter.receive(request);
    if (!result.ok) {
      switch (result.code) {
        case 'bad_signature':
          this.#recordBadSignature(provider, result.reason);
          return refusal(401, 'bad_signature', 'UNAUTHORIZED', result.reason);
        case 'too_large':
          return refusal(413, 'too_large', 'PAYLOAD_TOO_LARGE', result.reason);
        case 'malformed':
          return refusal(400, 'malformed', 'INVALID_INPUT', result.reason);
        default:
          return { status: 200, body: { ignored: true, outcome: 'ignored', reason: result.reason } };
      }
    }
    if (result.kind === 'sale') {
      const sale = await this.recordSale(result);
      if (sale.duplicate) return { status: 200, body: { duplicate: true, outcome: 'duplicate' } };
      return { status: 200, body: { ok: true, outcome: 'applied', sale: { customerId: sale.customerId ?? null } } };
    }
    const applied = await this.apply(result);
    if (applied.duplicate) {
      this.#rejected(provider, 'duplicate');
      return { status: 200, body: { duplicate: true, outcome: 'duplicate' } };
    }
    const counts = {
      applied: applied.applied,
      skipped: { stale: applied.stale, unmapped: applied.unmapped, untracked: applied.untracked },
    };
    if (applied.applied === 0 && applied.stale > 0) {
      this.#rejected(provider, 'stale');
      return { status: 200, body: { stale: true, outcome: 'stale', ...counts } };
    }
    if (applied.applied === 0) return { status: 200, body: { ignored: true, outcome: 'ignored', ...counts } };
    return { status: 200, body: { ok: true, outcome: 'applied', ...counts } };
  }

  /**
   * Stores a verified counter sale for attribution: the customer resolver finds (or makes) the
   * buyer's profile from whatever identifier the sale carried, then the delivery id and the sale
   * are written in one transaction; either already there is a duplicate. Sale lines take the SKU
   * their POS item is mapped to. No stock moves: the POS's own inventory webhook reports that.
   */
  async recordSale(delivery: SaleDelivery): Promise<{ duplicate: boolean; customerId?: number }> {
    const { sale } = delivery;
    const resolved = await this.identity.resolve(sale.customer);
    const lookups = await this.#lookup();
    const stored = await this.repository.db.transaction(async (tx) => {
      if (!(await this.repository.recordDelivery(tx, delivery.provider, delivery.deliveryId))) return false;
      return this.repository.storeSale(tx, {
        provider: delivery.provider,
        orderRef: sale.orderRef,
        deliveryId: delivery.deliveryId,
        occurredAt: sale.occurredAt,
        totalCents: sale.totalCents,
        currency: sale.currency,
        ...(resolved ? { customerId: resolved.customerId } : {}),
        ...(sale.posCustomerId ? { posCustomerId: sale.posCustomerId } : {}),
        ...(sale.posLocationId ? { posLocationId: sale.posLocationId } : {}),
        lines: sale.lines.map((line) => {
          const sku = lookups.skus.get(`${delivery.provider}\n${line.posItemId}`) ?? line.sku;
          return { posItemId: line.posItemId, qty: line.qty, ...(sku ? { sku } : {}) };
        }),
        test: sale.test,
      });
    });
    debug('%s sale %s: %s', delivery.provider, sale.orderRef, stored ? 'stored' : 'duplicate');
    return { duplicate: !stored, ...(resolved ? { customerId: resolved.customerId } : {}) };
  }

  /** webhook_flood counts the delivery; the open events are read only once the rule's threshold is crossed. */
  #rejected(provider: PosProviderName, kind: 'duplicate' | 'stale'): void {
    this.anomalies.signals.rejectedDelivery({ eventIds: () => this.anomalies.openEventIds(), provider, kind });
  }

  /**
   * Applies a verified inventory delivery (see the class comment). A replay of a delivery this
   * process applied lately, or is applying now, is answered a duplicate without a transaction (a
   * flood of redeliveries costs no database work); any other is deduped by the database, across
   * processes.
   */
  async apply(
    delivery: Pick<InventoryDelivery, 'provider' | 'deliveryId' | 'updates' | 'skipped'>,
  ): Promise<AppliedDelivery> {
    const id = `${delivery.provider}\n${delivery.deliveryId}`;
    const duplicate = { duplicate: true, applied: 0, stale: 0, unmapped: 0, untracked: delivery.skipped.length };
    if (this.#recent.has(id)) return duplicate;
    const running = this.#inFlight.get(id);
    // When the first attempt failed (answered 503), this one tries again itself.
    if (
      running &&
      (await running.then(
        () => true,
        () => false,
      ))
    )
      return duplicate;
    const work = this.#applyOnce(delivery);
    this.#inFlight.set(id, work);
    try {
      const result = await work;
      this.#recent.add(id);
      if (this.#recent.size > RECENT_DELIVERIES) this.#recent.delete(this.#recent.values().next().value!);
      return result;
    } finally {
      if (this.#inFlight.get(id) === work) this.#inFlight.delete(id);
    }
  }

  async #applyOnce(
    delivery: Pick<InventoryDelivery, 'provider' | 'deliveryId' | 'updates' | 'skipped'>,
  ): Promise<AppliedDelivery> {
    const incidents: PosIncident[] = [];
    // Before the transaction: the embedded database runs one statement at a time, so a read outside
    // an open transaction would wait for it for ever.
    const lookups = await this.#lookup();
    const outcome = await this.repository.db.transaction(async (tx) => {
      const result: AppliedDelivery = {
        duplicate: false,
        applied: 0,
        stale: 0,
        unmapped: 0,
        untracked: delivery.skipped.length,
      };
      if (!(await this.repository.recordDelivery(tx, delivery.provider, delivery.deliveryId))) {
        return { ...result, duplicate: true };
      }
      const eventsBySku = new Map<string, PosEvent[]>();
      for (const update of delivery.updates) {
        const applied = await this.#applyUpdate(tx, lookups, update, eventsBySku, incidents);
        if (applied === 'applied') result.applied += 1;
        else if (applied === 'stale') result.stale += 1;
        else result.unmapped += 1;
      }
      return result;
    });
    for (const incident of incidents) await this.#record(incident);
    debug('%s delivery %s: %o', delivery.provider, delivery.deliveryId, outcome);
    return outcome;
  }

  async #applyUpdate(
    tx: SqlExecutor,
    lookups: { skus: Map<string, string>; locations: Map<string, string> },
    update: PosInventoryUpdate,
    eventsBySku: Map<string, PosEvent[]>,
    incidents: PosIncident[],
  ): Promise<'applied' | 'stale' | 'unmapped'> {
    const sku = lookups.skus.get(`${update.provider}\n${update.posItemId}`);
    const locationId = lookups.locations.get(`${update.provider}\n${update.posLocationId}`);
    if (!sku || !locationId) return 'unmapped';
    let events = eventsBySku.get(sku);
    if (!events) {
      // Read in the transaction, not cached: an event created a moment ago on another process
      // must get this count (its creation wrote the counts stored before it). Read before the
      // count is stored, which locks its row until the commit: deliveries of one SKU and location
      // wait for each other, so the lock is held as briefly as the Redis write allows.
      events = await this.repository.posEventsSelling(tx, sku);
      eventsBySku.set(sku, events);
    }
    const row = { sku, locationId, onHand: update.onHand, occurredAt: update.occurredAt, provider: update.provider };
    if (!(await this.repository.storeOnHand(tx, row))) return 'stale';
    if (update.onHand < 0) {
      incidents.push({
        rule: 'pos_negative_on_hand',
        severity: 'warning',
        provider: update.provider,
        sku,
        message: `${update.provider} reports ${update.onHand} on hand of ${sku} at ${locationId}: the counter oversold`,
      });
    }
    for (const event of events) {
      if (event.inventory.locations && !event.inventory.locations.includes(locationId)) continue;
      const result = await this.inventory.pos.applyCount({
        eventId: event.id,
        sku,
        locationId,
        onHand: update.onHand,
        occurredAt: update.occurredAt,
      });
      if (!result.ok || !result.applied) continue;
      if (result.clamped) {
        incidents.push({
          rule: 'allocation_clamped',
          severity: 'warning',
          provider: update.provider,
          eventId: event.id,
          sku,
          message: `${sku}: the POS has ${result.onHand} on hand, below what event ${event.id} set aside; it may now sell ${result.stock.available}`,
        });
      }
      await this.#judgeOnHand(event.id, sku, locationId, update.onHand, result);
    }
    return 'applied';
  }

  /**
   * pos_negative_on_hand and oversell_risk for one event's SKU after a count was applied. The units
   * the event sold and the POS was not told of are read only when they could matter: on hand below
   * held + sold (sold bounds the unsynced units), or a count below zero.
   */
  async #judgeOnHand(
    eventId: string,
    sku: string,
    locationId: string,
    reported: number,
    result: { onHand: number; stock: { held: number; sold: number } },
  ): Promise<void> {
    const { held, sold } = result.stock;
    if (reported >= 0 && result.onHand >= held + sold) return;
    const { synced } = await this.inventory.pos.read(eventId, sku);
    this.anomalies.signals.onHand({
      eventId,
      sku,
      locationId,
      reported,
      onHand: result.onHand,
      held,
      soldNotSynced: Math.max(0, sold - synced),
    });
  }

  /**
   * The mappings, read at most every two seconds: a mapping added on another process is used
   * within that time (map items before their counts matter).
   */
  async #lookup() {
    if (this.#lookups && Date.now() - this.#lookups.at < LOOKUP_CACHE_MS) return this.#lookups;
    const mappings = await this.repository.mappings();
    this.#lookups = {
      at: Date.now(),
      skus: new Map(mappings.items.map((m) => [`${m.provider}\n${m.posItemId}`, m.sku])),
      locations: new Map(mappings.locations.map((m) => [`${m.provider}\n${m.posLocationId}`, m.locationId])),
    };
    return this.#lookups;
  }

  /** Forgets the cached mappings and events (this process changed them). */
  forgetLookups(): void {
    this.#lookups = null;
  }

  /**
   * Writes every count PostgreSQL keeps for the event's SKUs into Redis and recomputes its stock:
   * after the event was created, or restored after Redis lost it.
   */
  async replay(
    eventId: string,
    event: { products: { sku: string }[]; inventory?: PosEvent['inventory'] },
  ): Promise<void> {
    const skus = event.products.map((product) => product.sku);
    for (const row of await this.repository.onHandOf(skus)) {
      if (event.inventory?.locations && !event.inventory.locations.includes(row.locationId)) continue;
      await this.inventory.pos.applyCount({
        eventId,
        sku: row.sku,
        locationId: row.locationId,
        onHand: row.onHand,
        occurredAt: row.occurredAt,
      });
    }
    for (const sku of skus) await this.inventory.pos.recompute(eventId, sku);
  }

  #recordBadSignature(provider: string, reason: string): void {
    const minute = Math.floor(Date.now() / 60_000);
    const window = this.#badSignatures.get(provider);
    const current = window?.minute === minute ? window : { minute, count: 0 };
    current.count += 1;
    this.#badSignatures.set(provider, current);
    if (current.count > BAD_SIGNATURES_RECORDED_PER_MINUTE) return;
    void this.#record({
      rule: 'webhook_bad_signature',
      severity: current.count === BAD_SIGNATURES_RECORDED_PER_MINUTE ? 'critical' : 'warning',
      provider,
      message:
        current.count === BAD_SIGNATURES_RECORDED_PER_MINUTE
          ? `${provider} webhook: ${current.count} bad signatures this minute; further ones this minute are only counted`
          : `${provider} webhook refused: ${reason}`,
    });
  }

  async #record(incident: PosIncident): Promise<void> {
    await this.repository.recordIncident(incident).catch((error: unknown) => debug('incident not recorded: %s', error));
  }
}

function refusal(status: number, outcome: string, code: string, message: string): WebhookAnswer {
  return { status, body: { error: { code, message }, outcome } };
}
