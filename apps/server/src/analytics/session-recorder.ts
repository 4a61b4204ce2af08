import type { FactWriter } from './fact-writer.js';
import type { DeviceClass } from './facts.js';
import type { Visit, Visits } from './visits.js';

/** One visit as this process sees it: its open connections here. */
interface LocalVisit extends Visit {
  eventId: string;
  shopperId: string;
  device: DeviceClass;
  connections: number;
}

/** Viewers of one event on this process, and the most at once since the last sample. */
interface EventViewers {
  sessions: Set<string>;
  peak: number;
}

export interface SessionRecorderParts {
  writer: FactWriter;
  visits: Visits;
  /** This process's id in `viewer_samples`. */
  nodeId: string;
  /** Units available per SKU of an event now, for the stock samples. */
  stockOf(eventId: string): Promise<{ sku: string; available: number }[]>;
  now?: () => number;
}

/**
 * Records viewer sessions from `/shop` joins, leaves and disconnects. Each call returns at once:
 * the visit is looked up in Redis on a later turn, so a join is never slowed by analytics. A
 * visit's connections on this process are counted, so one tab leaving while another stays does not
 * end it here; {@link sample} (every minute) keeps open visits running, writes each open visit's
 * session fact, this process's viewers of each event (now and at most in the minute) and the
 * events' stock.
 *
 * A join writes nothing itself: a new visit's session fact is first written by the next sample,
 * by its end (leave or disconnect), or by {@link writeJoined} (an explicit flush or shutdown),
 * whichever comes first. So a storm of arrivals before a drop costs no database write per viewer
 * while it lasts, and a visit that ends within its first minute is written once instead of twice.
 * A process that crashes loses the session facts of visits begun since its last sample (at most a
 * minute), as it loses that minute's viewer counts.
 */
export class SessionRecorder {
  /** socket id → event id → the socket's visit to it (null when it could not be opened). */
  readonly #sockets = new Map<string, Map<string, Promise<LocalVisit | null>>>();
  readonly #visits = new Map<string, LocalVisit>();
  readonly #events = new Map<string, EventViewers>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Open visits whose session fact no write has carried yet. */
  readonly #unwritten = new Set<LocalVisit>();
  #visitsFailing = false;
  readonly #now: () => number;

  constructor(private readonly parts: SessionRecorderParts) {
    this.#now = parts.now ?? Date.now;
  }

  /** A socket of `shopperId` joined the event. A second join of the same socket and event is ignored. */
  joined(socketId: string, eventId: string, shopperId: string, how: { device: DeviceClass; optedOut: boolean }): void {
    let events = this.#sockets.get(socketId);
    if (!events) this.#sockets.set(socketId, (events = new Map()));
    if (events.has(eventId)) return;
    const now = this.#now();
    const visit = this.#track(
      this.parts.visits.open(eventId, shopperId, how.optedOut, now).then(
        (opened) => {
          this.#visitsFailing = false;
          return this.#connect(opened, eventId, shopperId, how.device);
        },
        (error: unknown) => {
          if (!this.#visitsFailing) {
            console.error(`liveshop: analytics cannot open visits (${(error as Error).message}); joins go unrecorded`);
          }
          this.#visitsFailing = true;
          return null;
        },
      ),
    );
    events.set(eventId, visit);
  }

  /** A socket left the event (or disconnected, through {@link disconnected}). */
  left(socketId: string, eventId: string): void {
    const events = this.#sockets.get(socketId);
    const visit = events?.get(eventId);
    if (!events || !visit) return;
    events.delete(eventId);
    if (events.size === 0) this.#sockets.delete(socketId);
    const now = this.#now();
    void this.#track(visit.then((local) => local && this.#disconnect(local, now)));
  }

  /** A socket disconnected: it left every event it watched. */
  disconnected(socketId: string): void {
    for (const eventId of [...(this.#sockets.get(socketId)?.keys() ?? [])]) this.left(socketId, eventId);
  }

  /**
   * Once a minute (and at shutdown): writes this process's viewers of each event for `minute` and
   * each watched event's stock, marks every open visit as seen now and keeps it running in Redis.
   */
  async sample(minute: number): Promise<void> {
    // Joins already under way when the sample is taken count in it (one pass: joins that keep
    // arriving do not hold the sample back).
    await Promise.allSettled([...this.#inFlight]);
    const now = this.#now();
    const { writer, nodeId } = this.parts;
    for (const [eventId, viewers] of this.#events) {
      const count = viewers.sessions.size;
      writer.add({
        kind: 'viewers',
        eventId,
        minute,
        nodeId,
        viewers: count,
        peakViewers: Math.max(viewers.peak, count),
      });
      viewers.peak = count;
      if (count === 0) this.#events.delete(eventId);
    }
    const open = [...this.#visits.values()];
    for (const visit of open) writer.add(this.#fact(visit, now, null));
    this.#unwritten.clear();
    const stock = [...new Set(open.map((visit) => visit.eventId))].map(async (eventId) => {
      for (const { sku, available } of await this.parts.stockOf(eventId)) {
        writer.add({ kind: 'stock', eventId, sku, minute, available });
      }
    });
    const results = await Promise.allSettled([this.parts.visits.touch(open), ...stock]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Resolves once every join and leave recorded so far has been looked up (and ends handed to the writer). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Hands the writer the session fact of every open visit not written yet (flush and shutdown). */
  writeJoined(): void {
    const now = this.#now();
    for (const visit of this.#unwritten) this.parts.writer.add(this.#fact(visit, now, null));
    this.#unwritten.clear();
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  #connect(opened: Visit, eventId: string, shopperId: string, device: DeviceClass): LocalVisit {
    let local = this.#visits.get(opened.sessionId);
    if (!local) {
      // Spelled out: an object spread followed by more properties takes V8's slow path (about
      // 2 µs a join, and a dictionary-mode object after).
      local = {
        sessionId: opened.sessionId,
        startedAt: opened.startedAt,
        optedOut: opened.optedOut,
        eventId,
        shopperId,
        device,
        connections: 0,
      };
      this.#visits.set(opened.sessionId, local);
    }
    local.connections += 1;
    let viewers = this.#events.get(eventId);
    if (!viewers) this.#events.set(eventId, (viewers = { sessions: new Set(), peak: 0 }));
    viewers.sessions.add(local.sessionId);
    viewers.peak = Math.max(viewers.peak, viewers.sessions.size);
    if (local.connections === 1) this.#unwritten.add(local);
    return local;
  }

  #disconnect(local: LocalVisit, now: number): void {
    local.connections -= 1;
    if (local.connections > 0) return;
    this.#visits.delete(local.sessionId);
    this.#unwritten.delete(local);
    this.#events.get(local.eventId)?.sessions.delete(local.sessionId);
    this.parts.writer.add(this.#fact(local, now, now));
    // The 30 minutes away count from now.
    void this.#track(this.parts.visits.touch([local]).catch(() => undefined));
  }

  #fact(local: LocalVisit, now: number, endedAt: number | null) {
    return {
      kind: 'session' as const,
      id: local.sessionId,
      eventId: local.eventId,
      shopperId: local.optedOut ? null : local.shopperId,
      device: local.device,
      startedAt: local.startedAt,
      lastSeenAt: now,
      endedAt,
    };
  }
}
