import type { LedgerEntry } from '@liveshop/protocol';
import type { AnomalySignal } from './anomalies.js';
import { Cooldowns, SlidingWindow } from './cooldowns.js';
import { ReserveCounts } from './reserve-counts.js';
import { ANOMALY_THRESHOLDS } from './thresholds.js';

type HoldEnding = 'expire' | 'commit' | 'release';

interface EventWindows {
  reserves: ReserveCounts;
  holdEndings: SlidingWindow<{ kind: HoldEnding; sku: string }>;
}

/**
 * The rules the ledger alone can decide, fed every entry of every event in order by the detector:
 * `sold_out`, `reserve_burst_actor` and `mass_hold_expiry`. Windows run on the entries' Redis
 * timestamps, so the result does not depend on when the detector reads them.
 */
export class LedgerRules {
  readonly #events = new Map<string, EventWindows>();
  readonly #cooldowns = new Cooldowns();

  /** The findings one entry completes (usually none). */
  observe(eventId: string, entry: LedgerEntry, now = Date.now()): AnomalySignal[] {
    const windows = this.#windows(eventId);
    const found: AnomalySignal[] = [];
    const fresh = entry.at > now - ANOMALY_THRESHOLDS.staleEntryMs;

    if (entry.available === 0 && entry.availableBefore > 0 && entry.type !== 'restore' && fresh) {
      found.push({
        rule: 'sold_out',
        eventId,
        severity: 'info',
        sku: entry.sku,
        message: `${entry.sku} sold out: ${entry.sold} sold, ${entry.held} held of ${entry.allocated} allocated`,
        data: { allocated: entry.allocated, held: entry.held, sold: entry.sold, ledgerId: entry.id },
        dedupeKey: `sold_out|${eventId}|${entry.id}`,
      });
    }

    if (entry.type === 'reserve' && entry.shopperId) {
      const burst = this.#reserveBurst(eventId, windows, entry);
      if (burst && fresh) found.push(burst);
    }
    if (entry.type === 'expire' || entry.type === 'commit' || entry.type === 'release') {
      windows.holdEndings.add(entry.at, { kind: entry.type, sku: entry.sku });
      if (entry.type === 'expire') {
        const mass = this.#massExpiry(eventId, windows, entry);
        if (mass && fresh) found.push(mass);
      }
    }
    return found;
  }

  #windows(eventId: string): EventWindows {
    let windows = this.#events.get(eventId);
    if (!windows) {
      windows = {
        reserves: new ReserveCounts(ANOMALY_THRESHOLDS.reserveBurst.windowMs),
        holdEndings: new SlidingWindow(ANOMALY_THRESHOLDS.massHoldExpiry.windowMs),
      };
      this.#events.set(eventId, windows);
    }
    return windows;
  }

  /**
   * One shopper reserving far above the norm: at least `minReserves` reserves in the window, and
   * at least `timesMedian` times the median of the other shoppers active in it (0 when alone).
   */
  #reserveBurst(eventId: string, windows: EventWindows, entry: LedgerEntry): AnomalySignal | null {
    const { windowMs, minReserves, timesMedian, cooldownMs } = ANOMALY_THRESHOLDS.reserveBurst;
    const shopperId = entry.shopperId!;
    const reserves = windows.reserves.add(shopperId, entry.at);
    if (reserves < minReserves) return null;
    const median = windows.reserves.medianOfOthers(shopperId);
    if (reserves < timesMedian * median) return null;
    if (!this.#cooldowns.take(`burst|${eventId}|${shopperId}`, entry.at, cooldownMs)) return null;
    return {
      rule: 'reserve_burst_actor',
      eventId,
      severity: 'warning',
      sku: entry.sku,
      message:
        `shopper ${shopperId} reserved ${reserves} times in ${windowMs / 1000} s ` +
        `(threshold ${minReserves}, and ${timesMedian}× the other shoppers' median of ${median})`,
      data: { shopperId, reserves, medianOfOthers: median, activeShoppers: windows.reserves.shoppers },
      dedupeKey: `reserve_burst_actor|${eventId}|${entry.id}`,
    };
  }

  /** Holds expiring without checkout: `minExpired` in the window, and `expiredShare` of the holds that ended in it. */
  #massExpiry(eventId: string, windows: EventWindows, entry: LedgerEntry): AnomalySignal | null {
    const { windowMs, minExpired, expiredShare, cooldownMs } = ANOMALY_THRESHOLDS.massHoldExpiry;
    let expired = 0;
    const bySku = new Map<string, number>();
    for (const ending of windows.holdEndings.values()) {
      if (ending.kind !== 'expire') continue;
      expired += 1;
      bySku.set(ending.sku, (bySku.get(ending.sku) ?? 0) + 1);
    }
    const ended = windows.holdEndings.size;
    if (expired < minExpired || expired < expiredShare * ended) return null;
    if (!this.#cooldowns.take(`expiry|${eventId}`, entry.at, cooldownMs)) return null;
    const [topSku] = [...bySku.entries()].sort((a, b) => b[1] - a[1])[0] ?? [entry.sku];
    return {
      rule: 'mass_hold_expiry',
      eventId,
      severity: 'warning',
      sku: topSku,
      message:
        `${expired} of ${ended} holds ended in the last ${windowMs / 1000} s expired without checkout ` +
        `(threshold ${minExpired} and ${Math.round(expiredShare * 100)}%): checkout friction?`,
      data: { expired, ended, bySku: Object.fromEntries(bySku) },
      dedupeKey: `mass_hold_expiry|${eventId}|${entry.id}`,
    };
  }
}
