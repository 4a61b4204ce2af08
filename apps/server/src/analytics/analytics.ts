import type { SqlExecutor } from '../db/sql-store.js';
import type { KeyBuilder } from '@liveshop/inventory';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { RedisClient } from '../redis-connection.js';
import { DEFAULT_WRITER_OPTIONS, FactWriter, type FactWriterOptions } from './fact-writer.js';
import type { DeviceClass, Fact } from './facts.js';
import { SessionRecorder } from './session-recorder.js';
import { Visits } from './visits.js';

/** Viewer and stock samples are taken once a minute. */
export const SAMPLE_MS = 60_000;

export interface AnalyticsParts {
  db: SqlExecutor;
  redis: RedisClient;
  keys: KeyBuilder;
  metrics: ServerMetrics;
  nodeId: string;
  stockOf(eventId: string): Promise<{ sku: string; available: number }[]>;
  writer?: Partial<FactWriterOptions>;
  /** How long a viewer may be away and still be in the same session (30 minutes but in tests). */
  visitGapMs?: number;
}

/**
 * Analytics on a server process: records viewer sessions from `/shop` joins and leaves, pin
 * changes and (through the beacon route) impressions and clicks, as facts written to the database
 * in batches. Nothing it does is awaited by a request; see {@link FactWriter} for what happens when
 * the database is away. {@link AnalyticsOff} stands in for it when analytics is turned off.
 */
export class Analytics {
  readonly enabled = true;
  readonly visits: Visits;
  readonly #writer: FactWriter;
  readonly #recorder: SessionRecorder;
  #timer: NodeJS.Timeout | undefined;
  #sampleFailing = false;

  constructor(parts: AnalyticsParts) {
    this.#writer = new FactWriter(parts.db, {
      ...DEFAULT_WRITER_OPTIONS,
      ...parts.writer,
      onDropped: (count) => parts.metrics.analyticsDropped.inc(count),
    });
    this.visits = new Visits(parts.redis, parts.keys, parts.visitGapMs);
    this.#recorder = new SessionRecorder({
      writer: this.#writer,
      visits: this.visits,
      nodeId: parts.nodeId,
      stockOf: parts.stockOf,
    });
    parts.metrics.analyticsPending = () => this.#writer.pending;
  }

  /** Takes the viewer and stock samples at the start of every minute, for the minute that ended. */
  start(): void {
    const next = () => {
      const now = Date.now();
      this.#timer = setTimeout(
        () => {
          void this.sample(Math.floor(Date.now() / SAMPLE_MS) * SAMPLE_MS - SAMPLE_MS);
          next();
        },
        SAMPLE_MS - (now % SAMPLE_MS) + 50,
      );
      this.#timer.unref();
    };
    next();
  }

  joined(socketId: string, eventId: string, shopperId: string, how: { device: DeviceClass; optedOut: boolean }): void {
    this.#recorder.joined(socketId, eventId, shopperId, how);
  }

  left(socketId: string, eventId: string): void {
    this.#recorder.left(socketId, eventId);
  }

  disconnected(socketId: string): void {
    this.#recorder.disconnected(socketId);
  }

  /** The host changed the pins: `skus` are all the products pinned now. */
  pinned(eventId: string, skus: string[]): void {
    this.#writer.add({ kind: 'pin', eventId, skus, at: Date.now() });
  }

  /** Impressions and clicks a beacon carried, already checked. */
  record(facts: Fact[]): void {
    for (const fact of facts) this.#writer.add(fact);
  }

  /** Takes the samples of `minute` now; a failure is logged once until a sample succeeds. */
  async sample(minute: number): Promise<void> {
    try {
      await this.#recorder.sample(minute);
      this.#sampleFailing = false;
    } catch (error) {
      if (!this.#sampleFailing) console.error(`liveshop: analytics sample incomplete: ${(error as Error).message}`);
      this.#sampleFailing = true;
    }
  }

  /** Writes everything recorded so far (tests and shutdown). */
  async flush(): Promise<void> {
    await this.#recorder.settled();
    this.#recorder.writeJoined();
    await this.#writer.flush();
  }

  /**
   * At shutdown, after the sockets closed (their disconnects recorded): the partial minute's
   * samples, then everything left is written.
   */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    await this.#recorder.settled();
    await this.sample(Math.floor(Date.now() / SAMPLE_MS) * SAMPLE_MS);
    await this.#recorder.settled();
    await this.#writer.close();
  }
}

/** Analytics turned off (`LIVESHOP_ANALYTICS=off`): records nothing. */
export class AnalyticsOff {
  readonly enabled = false;
  joined(): void {}
  left(): void {}
  disconnected(): void {}
  pinned(): void {}
  record(): void {}
  async sample(): Promise<void> {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** What the rest of the server records analytics through. */
export type AnalyticsRecording = Analytics | AnalyticsOff;
