import type { Anomalies } from './anomalies.js';
import { Cooldowns, SlidingWindow } from './cooldowns.js';
import { ANOMALY_THRESHOLDS } from './thresholds.js';

export type PosProvider = 'shopify' | 'square' | 'generic';

/**
 * The POS rules, as typed signals for the parts that see POS traffic (webhook routes, the sync
 * outbox, the on-hand script's callers): each method applies its rule's threshold and raises
 * through {@link Anomalies}. A webhook is not tied to one event, so webhook signals name the events
 * they concern (the live events, when a delivery cannot be attributed). Cooldowns are kept per
 * process.
 */
export class PosSignals {
  readonly #cooldowns = new Cooldowns();
  readonly #rejected = new Map<PosProvider, SlidingWindow>();

  constructor(
    private readonly anomalies: Anomalies,
    private readonly now: () => number = Date.now,
  ) {}

  /** webhook_bad_signature: a delivery whose signature did not verify; one anomaly per provider and event a minute. */
  badSignature(input: { eventIds: string[]; provider: PosProvider; deliveryId?: string; ip?: string }): void {
    const now = this.now();
    for (const eventId of input.eventIds) {
      if (!this.#cooldowns.take(`sig|${input.provider}|${eventId}`, now, ANOMALY_THRESHOLDS.badSignature.cooldownMs)) {
        continue;
      }
      this.anomalies.report({
        rule: 'webhook_bad_signature',
        eventId,
        severity: 'critical',
        message: `a ${input.provider} webhook with a bad signature was refused${input.ip ? ` (from ${input.ip})` : ''}: forged or a wrong secret`,
        data: { provider: input.provider, deliveryId: input.deliveryId, ip: input.ip },
      });
    }
  }

  /**
   * webhook_flood: duplicate or stale deliveries, counted per provider over a sliding window. A
   * delivery names no event: `eventIds` (a list, or a function read only once the threshold is
   * crossed, so a flood does not cost a query per delivery) says which events to tell.
   */
  rejectedDelivery(input: {
    eventIds: readonly string[] | (() => Promise<readonly string[]>);
    provider: PosProvider;
    kind: 'duplicate' | 'stale';
  }): void {
    const { windowMs, minRejected, cooldownMs } = ANOMALY_THRESHOLDS.webhookFlood;
    const now = this.now();
    let window = this.#rejected.get(input.provider);
    if (!window) {
      window = new SlidingWindow(windowMs);
      this.#rejected.set(input.provider, window);
    }
    window.add(now, true);
    const rejected = window.size;
    if (rejected < minRejected) return;
    const raise = (eventIds: readonly string[]) => {
      for (const eventId of eventIds) {
        if (!this.#cooldowns.take(`flood|${input.provider}|${eventId}`, now, cooldownMs)) continue;
        this.anomalies.report({
          rule: 'webhook_flood',
          eventId,
          severity: 'warning',
          message: `${rejected} duplicate or stale ${input.provider} deliveries in ${windowMs / 1000} s (threshold ${minRejected})`,
          data: { provider: input.provider, rejected, last: input.kind },
        });
      }
    };
    if (typeof input.eventIds !== 'function') {
      raise(input.eventIds);
      return;
    }
    input.eventIds().then(raise, (error: unknown) => {
      console.error('liveshop: webhook_flood not raised:', (error as Error).message);
    });
  }

  /**
   * A POS count for a SKU of a live event: pos_negative_on_hand when the POS reports less than
   * zero at a location (`reported`, this delivery's count; the event's `onHand` when absent);
   * oversell_risk when the event's on hand (summed over its locations) is below what the live
   * event holds plus what it sold and has not yet synced to the POS.
   */
  onHand(input: {
    eventId: string;
    sku: string;
    onHand: number;
    held: number;
    soldNotSynced: number;
    reported?: number;
    locationId?: string;
  }): void {
    const now = this.now();
    const { cooldownMs } = ANOMALY_THRESHOLDS.onHand;
    const data = { ...input };
    const reported = input.reported ?? input.onHand;
    if (reported < 0 && this.#cooldowns.take(`neg|${input.eventId}|${input.sku}`, now, cooldownMs)) {
      this.anomalies.report({
        rule: 'pos_negative_on_hand',
        eventId: input.eventId,
        severity: 'warning',
        sku: input.sku,
        message: `the POS reports ${reported} on hand for ${input.sku}${input.locationId ? ` at ${input.locationId}` : ''}: a count below zero`,
        data,
      });
    }
    const committed = input.held + input.soldNotSynced;
    if (input.onHand < committed && this.#cooldowns.take(`oversell|${input.eventId}|${input.sku}`, now, cooldownMs)) {
      this.anomalies.report({
        rule: 'oversell_risk',
        eventId: input.eventId,
        severity: 'critical',
        sku: input.sku,
        message: `${input.sku}: the POS has ${input.onHand} on hand but the show holds ${input.held} and sold ${input.soldNotSynced} not yet synced`,
        data,
      });
    }
  }

  /** pos_sync_failed: an outbound adjustment failed `attempts` times (warning from the threshold), or was dead-lettered (critical). */
  syncFailed(input: {
    eventId: string;
    sku?: string;
    provider: PosProvider;
    key: string;
    attempts: number;
    deadLetter: boolean;
    error: string;
  }): void {
    const { warnAfterAttempts } = ANOMALY_THRESHOLDS.syncFailed;
    if (!input.deadLetter && input.attempts < warnAfterAttempts) return;
    this.anomalies.report({
      rule: 'pos_sync_failed',
      eventId: input.eventId,
      severity: input.deadLetter ? 'critical' : 'warning',
      ...(input.sku ? { sku: input.sku } : {}),
      message: input.deadLetter
        ? `a ${input.provider} adjustment was given up after ${input.attempts} attempts: ${input.error}`
        : `a ${input.provider} adjustment failed ${input.attempts} times: ${input.error}`,
      data: { ...input },
      dedupeKey: `pos_sync_failed|${input.key}|${input.deadLetter ? 'dead' : 'warn'}`,
    });
  }

  /** pos_sync_lag: the oldest live sale not yet adjusted at the POS is older than the threshold. */
  syncLag(input: { eventId: string; lagSeconds: number; provider?: PosProvider }): void {
    const { maxLagSeconds, cooldownMs } = ANOMALY_THRESHOLDS.syncLag;
    if (input.lagSeconds <= maxLagSeconds) return;
    if (!this.#cooldowns.take(`lag|${input.eventId}`, this.now(), cooldownMs)) return;
    this.anomalies.report({
      rule: 'pos_sync_lag',
      eventId: input.eventId,
      severity: 'warning',
      message: `POS sync is ${Math.round(input.lagSeconds)} s behind (threshold ${maxLagSeconds} s)`,
      data: { ...input },
    });
  }
}
