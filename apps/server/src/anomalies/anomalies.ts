import { randomBytes } from 'node:crypto';
import {
  ANOMALY_RULES,
  ANOMALY_SEVERITIES,
  ErrorCode,
  LiveshopError,
  eventIdSchema,
  parseInput,
  skuSchema,
  type Anomaly,
  type AnomalyRule,
  type AnomalySeverity,
} from '@liveshop/protocol';
import createDebug from 'debug';
import { z } from 'zod';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { AnomalyStore } from './anomaly-store.js';

const debug = createDebug('liveshop:anomalies');

/** One finding, as a rule or a signal source reports it. */
export interface AnomalySignal {
  rule: AnomalyRule;
  eventId: string;
  severity: AnomalySeverity;
  sku?: string;
  /** One sentence for the moderator: what happened, and the threshold it crossed. */
  message: string;
  /** The figures behind the finding, stored with it. */
  data?: Record<string, unknown>;
  /** Raising the same key twice stores and pushes it once (e.g. a ledger entry's id). */
  dedupeKey?: string;
}

const signalSchema = z.strictObject({
  rule: z.enum(ANOMALY_RULES),
  eventId: eventIdSchema,
  severity: z.enum(ANOMALY_SEVERITIES),
  sku: skuSchema.optional(),
  message: z.string().min(1).max(500),
  data: z.record(z.string(), z.unknown()).optional(),
  dedupeKey: z.string().min(1).max(300).optional(),
});

/** Where a raised anomaly goes besides the database: the moderators of its event, on every process. */
export type AnomalyPush = (anomaly: Anomaly) => void;

/**
 * The anomaly signal API: every rule (the ledger detector's, and sources such as the POS webhooks
 * and the sync outbox) reports through {@link raise}, which stores the anomaly in PostgreSQL,
 * counts it in `/metrics` by rule and pushes it to the event's moderators.
 */
export class Anomalies {
  push: AnomalyPush = () => undefined;

  constructor(
    private readonly store: AnomalyStore,
    private readonly metrics: ServerMetrics,
  ) {}

  /** Stores, counts and pushes one anomaly; resolves to it, or to null when its `dedupeKey` was raised before. */
  async raise(signal: AnomalySignal): Promise<Anomaly | null> {
    const input = parseInput(signalSchema, signal);
    const stored = await this.store.insert({
      id: `a${randomBytes(9).toString('base64url')}`,
      eventId: input.eventId,
      rule: input.rule,
      severity: input.severity,
      ...(input.sku ? { sku: input.sku } : {}),
      message: input.message,
      data: input.data ?? {},
      ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
    });
    if (!stored) return null;
    this.metrics.anomalies.labels(stored.rule, stored.severity).inc();
    debug('%s %s in %s: %s', stored.severity, stored.rule, stored.eventId, stored.message);
    this.push(stored);
    return stored;
  }

  /** {@link raise}, never rejecting: a failure to record is logged, and the caller's work goes on. */
  report(signal: AnomalySignal): void {
    this.raise(signal).catch((error: unknown) => {
      console.error(`liveshop: anomaly ${signal.rule} in ${signal.eventId} not recorded:`, (error as Error).message);
    });
  }

  recent(eventId: string, limit?: number): Promise<Anomaly[]> {
    return this.store.recent(eventId, limit);
  }

  /** Records the acknowledgement; `NOT_FOUND` when the event has no such anomaly. */
  async ack(eventId: string, id: string, by: string): Promise<{ id: string; ackedAt: number; ackedBy: string }> {
    const acked = await this.store.ack(eventId, id, by);
    if (!acked?.ackedAt || !acked.ackedBy) {
      throw new LiveshopError(ErrorCode.NOT_FOUND, `event ${eventId} has no anomaly ${id}`);
    }
    return { id: acked.id, ackedAt: acked.ackedAt, ackedBy: acked.ackedBy };
  }
}
