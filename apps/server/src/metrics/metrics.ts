import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, in a registry of its own so several servers in one process
 * (tests) do not collide. Hot-path label children are created once and kept.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  /** Read at scrape time; set by the socket layer. */
  socketCounts: () => Record<string, number> = () => ({});

  readonly connectedSockets = new Gauge({
    name: 'liveshop_connected_sockets',
    help: 'Sockets connected to this process, by namespace (/shop sockets are viewers)',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [namespace, count] of Object.entries(this.socketCounts())) {
        this.connectedSockets.set({ namespace }, count);
      }
    },
  });

  /** Read at scrape time; set by analytics. */
  analyticsPending: () => number = () => 0;

  readonly analyticsBuffered: Gauge = new Gauge({
    name: 'liveshop_analytics_facts_pending',
    help: 'Analytics facts recorded by this process and not yet written to the database',
    registers: [this.registry],
    collect: () => {
      this.analyticsBuffered.set(this.analyticsPending());
    },
  });

  readonly analyticsDropped = new Counter({
    name: 'liveshop_analytics_facts_dropped_total',
    help: 'Analytics facts dropped (the oldest first) because the database could not take them and the buffer was full',
    registers: [this.registry],
  });

  readonly reserveOutcomes = new Counter({
    name: 'liveshop_reserve_total',
    help: 'Reserve requests answered, by outcome (ok or the error code)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly reserveLatency = new Histogram({
    name: 'liveshop_reserve_duration_seconds',
    help: 'Time from receiving a reserve to acknowledging it',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly ledgerLag = new Histogram({
    name: 'liveshop_ledger_lag_seconds',
    help: 'Time from a ledger entry being written (Redis clock) to this process reading it',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly fanoutLag = new Histogram({
    name: 'liveshop_fanout_lag_seconds',
    help: 'Time from a ledger entry being written to its stock message leaving this process (includes coalescing)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly stockMessages = new Counter({
    name: 'liveshop_stock_messages_total',
    help: 'Coalesced stock messages sent to event rooms by this process',
    registers: [this.registry],
  });

  readonly holdsExpired = new Counter({
    name: 'liveshop_holds_expired_total',
    help: 'Holds released by the hold sweeper of this process',
    registers: [this.registry],
  });

  readonly eventsRestored = new Counter({
    name: 'liveshop_events_restored_total',
    help: 'Events restored into Redis from the database after Redis lost them, by this process',
    registers: [this.registry],
  });

  readonly workerRestarts = new Counter({
    name: 'liveshop_worker_restarts_total',
    help: 'Workers restarted after a failure',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'liveshop_rate_limited_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly anomalies = new Counter({
    name: 'liveshop_anomalies_total',
    help: 'Anomalies raised (stored and pushed to moderators) by this process, by rule and severity',
    labelNames: ['rule', 'severity'] as const,
    registers: [this.registry],
  });

  readonly posWebhooks = new Counter({
    name: 'liveshop_pos_webhooks_total',
    help: 'POS webhooks answered, by provider and outcome (applied, duplicate, stale, ignored, bad_signature, malformed, too_large, error)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly posWebhookDuration = new Histogram({
    name: 'liveshop_pos_webhook_duration_seconds',
    help: 'Time from receiving a POS webhook to answering it',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly posAdjustments = new Counter({
    name: 'liveshop_pos_adjustments_total',
    help: 'POS adjustment attempts of this process, by provider and outcome (applied, retry, dead)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly posSyncLag = new Gauge({
    name: 'liveshop_pos_sync_lag_seconds',
    help: 'Age of the oldest live sale not yet applied to the POS (0 when none is waiting)',
    registers: [this.registry],
  });

  readonly posOutboxPending = new Gauge({
    name: 'liveshop_pos_outbox_pending',
    help: 'POS adjustments waiting to be applied',
    registers: [this.registry],
  });

  readonly posOutboxDead = new Gauge({
    name: 'liveshop_pos_outbox_dead',
    help: 'POS adjustments dead-lettered after their last attempt',
    registers: [this.registry],
  });

  readonly #reserveByCode = new Map<string, Counter.Internal>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'liveshop_process_' });
  }

  /** Counts one reserve answer; `code` is `ok` or an error code. */
  countReserve(code: string): void {
    let child = this.#reserveByCode.get(code);
    if (!child) {
      child = this.reserveOutcomes.labels(code);
      this.#reserveByCode.set(code, child);
    }
    child.inc();
  }
}
