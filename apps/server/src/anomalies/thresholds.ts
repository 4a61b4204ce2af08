/**
 * Every rule's threshold, in one table: docs/anomalies.md states the same numbers, and the tests
 * drive each rule across them.
 */
export const ANOMALY_THRESHOLDS = {
  /** Ledger entries older than this when read raise nothing (a detector catching up on history). */
  staleEntryMs: 10 * 60_000,
  /** reserve_burst_actor: one shopper's reserves in a sliding window, against the other shoppers'. */
  reserveBurst: { windowMs: 60_000, minReserves: 20, timesMedian: 5, cooldownMs: 10 * 60_000 },
  /** mass_hold_expiry: holds of one event expiring without checkout in a sliding window. */
  massHoldExpiry: { windowMs: 60_000, minExpired: 20, expiredShare: 0.8, cooldownMs: 10 * 60_000 },
  /** webhook_bad_signature: at most one per provider and event in this time (the count rides along). */
  badSignature: { cooldownMs: 60_000 },
  /** webhook_flood: duplicate or stale deliveries of one provider in a sliding window. */
  webhookFlood: { windowMs: 60_000, minRejected: 50, cooldownMs: 10 * 60_000 },
  /** pos_sync_lag: the oldest live sale not yet adjusted at the POS. */
  syncLag: { maxLagSeconds: 30, cooldownMs: 10 * 60_000 },
  /** pos_sync_failed: a POS adjustment failing this many times raises a warning; a dead letter is critical. */
  syncFailed: { warnAfterAttempts: 3 },
  /** oversell_risk and pos_negative_on_hand: at most one per SKU in this time. */
  onHand: { cooldownMs: 5 * 60_000 },
} as const;
