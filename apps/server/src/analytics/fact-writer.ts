import createDebug from 'debug';
import type { SqlExecutor } from '../db/sql-store.js';
import { writeFacts } from './fact-sql.js';
import { factKey, mergeFacts, type Fact } from './facts.js';

const debug = createDebug('liveshop:analytics');

/** The order kinds are written in: sessions before the facts that name them, pins in their order. */
const KINDS: Fact['kind'][] = ['session', 'impression', 'click', 'viewers', 'stock', 'pin'];

export interface FactWriterOptions {
  /** How often the buffer is written (ms). */
  flushMs: number;
  /** A buffer this full is written at once, without waiting for the timer. */
  flushRows: number;
  /** The most facts kept while the database cannot take them; the oldest go first beyond it. */
  maxRows: number;
  /** Counts facts dropped because the buffer was full. */
  onDropped?: (count: number) => void;
}

export const DEFAULT_WRITER_OPTIONS: FactWriterOptions = { flushMs: 1_000, flushRows: 1_000, maxRows: 50_000 };

/**
 * Analytics facts on their way to the database: `add` only puts a fact in an in-memory buffer (a
 * fact about a row already in it is merged into it), and a timer writes the buffer every
 * `flushMs`, or as soon as it holds `flushRows`, as a few multi-row upserts. Nobody waits for a
 * write. While the database fails, facts stay (up to `maxRows`, the oldest dropped and counted
 * beyond it) and are written once it answers again; the failure is logged once per outage.
 * `close` writes what is left.
 */
export class FactWriter {
  #buffer = new Map<string, Fact>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #failing = false;
  #closed = false;

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: FactWriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {
    this.#timer = setInterval(() => void this.flush(), options.flushMs);
    this.#timer.unref();
  }

  /** Facts waiting to be written. */
  get pending(): number {
    return this.#buffer.size;
  }

  add(fact: Fact): void {
    if (this.#closed) return;
    this.#put(this.#buffer, fact);
    this.#trim();
    if (this.#buffer.size >= this.options.flushRows && !this.#writing) void this.flush();
  }

  /** Writes what the buffer holds now; resolves when it is written or kept for a retry. */
  flush(): Promise<void> {
    if (this.#writing) return this.#writing.then(() => (this.#buffer.size > 0 ? this.flush() : undefined));
    if (this.#buffer.size === 0) return Promise.resolve();
    const batch = this.#buffer;
    this.#buffer = new Map();
    this.#writing = this.#write(batch).finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  /** Stops the timer and writes everything left (one attempt). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    if (this.#buffer.size > 0) {
      console.error(`liveshop: ${this.#buffer.size} analytics facts could not be written at shutdown`);
    }
  }

  async #write(batch: Map<string, Fact>): Promise<void> {
    const byKind = new Map<Fact['kind'], Fact[]>();
    for (const fact of batch.values()) {
      const list = byKind.get(fact.kind);
      if (list) list.push(fact);
      else byKind.set(fact.kind, [fact]);
    }
    const written: Fact['kind'][] = [];
    try {
      for (const kind of KINDS) {
        const facts = byKind.get(kind);
        if (!facts) continue;
        await writeFacts(this.db, kind, facts);
        written.push(kind);
      }
      if (this.#failing) console.warn('liveshop: analytics facts are written again');
      this.#failing = false;
      debug('wrote %d facts', batch.size);
    } catch (error) {
      if (!this.#failing) {
        console.error(
          `liveshop: writing analytics facts failed (${(error as Error).message}); keeping up to ${this.options.maxRows} in memory`,
        );
      }
      this.#failing = true;
      // What was not written goes back in front of what came meanwhile, so it is written first.
      const kept = new Map<string, Fact>();
      for (const [key, fact] of batch) if (!written.includes(fact.kind)) kept.set(key, fact);
      for (const fact of this.#buffer.values()) this.#put(kept, fact);
      this.#buffer = kept;
      this.#trim();
    }
  }

  #put(buffer: Map<string, Fact>, fact: Fact): void {
    const key = factKey(fact);
    const earlier = buffer.get(key);
    buffer.set(key, earlier ? mergeFacts(earlier, fact) : fact);
  }

  /** Drops the oldest facts beyond `maxRows`. */
  #trim(): void {
    let excess = this.#buffer.size - this.options.maxRows;
    if (excess <= 0) return;
    this.options.onDropped?.(excess);
    for (const key of this.#buffer.keys()) {
      this.#buffer.delete(key);
      if (--excess === 0) break;
    }
  }
}
