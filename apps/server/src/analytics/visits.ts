import { randomText } from '../random-text.js';
import { WriteBatcher, type KeyBuilder } from '@liveshop/inventory';
import type { RedisClient } from '../redis-connection.js';

/** A viewer away this long comes back in a new session. */
export const VISIT_GAP_MS = 30 * 60_000;

/** A shopper's current visit to an event: the analytics session its joins and beacons count in. */
export interface Visit {
  sessionId: string;
  startedAt: number;
  /** The viewer opted out of analytics when the visit started: no shopper id, no beacons. */
  optedOut: boolean;
}

const encode = (visit: Visit): string => `${visit.sessionId}|${visit.startedAt}|${visit.optedOut ? 1 : 0}`;

function decode(value: string | null): Visit | null {
  if (!value) return null;
  const [sessionId, startedAt, optedOut] = value.split('|');
  if (!sessionId || !startedAt) return null;
  return { sessionId, startedAt: Number(startedAt), optedOut: optedOut === '1' };
}

/**
 * Visits in Redis, one key per event and shopper, shared by every process: the first join of a
 * visit sets it (`SET NX`), the joins of other tabs (on any process) read the same session back,
 * and the key lives {@link VISIT_GAP_MS} past the last time one of the shopper's connections was
 * seen, so a join after 30 minutes away finds none and starts a new session.
 */
export class Visits {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeyBuilder,
    private readonly gapMs = VISIT_GAP_MS,
  ) {}

  /** The shopper's visit to the event: the running one, or a new one starting `now`. */
  async open(eventId: string, shopperId: string, optedOut: boolean, now: number): Promise<Visit> {
    const key = this.keys.visit(eventId, shopperId);
    WriteBatcher.for(this.redis).hold();
    const fresh: Visit = { sessionId: `v${randomText(12)}`, startedAt: now, optedOut };
    // SET NX GET (Redis 7): sets the new visit unless one runs, and answers the running one.
    const running = decode(
      (await this.redis.call('set', key, encode(fresh), 'NX', 'GET', 'PX', this.gapMs)) as string | null,
    );
    if (!running) return fresh;
    await this.redis.pexpire(key, this.gapMs);
    return running;
  }

  /** The shopper's running visit to the event, if any. */
  async current(eventId: string, shopperId: string): Promise<Visit | null> {
    return decode(await this.redis.get(this.keys.visit(eventId, shopperId)));
  }

  /**
   * For a beacon, in one round trip: the shopper's running visit, and whether `batchId` is new
   * (remembered `rememberMs` from now; both keys are in the event's slot).
   */
  async forBeacon(
    eventId: string,
    shopperId: string,
    batchId: string,
    rememberMs: number,
  ): Promise<{ visit: Visit | null; fresh: boolean }> {
    const results = await this.redis
      .multi()
      .get(this.keys.visit(eventId, shopperId))
      .set(this.keys.beaconBatch(eventId, shopperId, batchId), '1', 'PX', rememberMs, 'NX')
      .exec();
    if (!results) throw new Error('the beacon lookup was aborted');
    const [[visitError, visit], [batchError, set]] = results as [
      [Error | null, string | null],
      [Error | null, string | null],
    ];
    if (visitError ?? batchError) throw (visitError ?? batchError)!;
    return { visit: decode(visit), fresh: set !== null };
  }

  /** Keeps these visits running for another gap (their viewers are still here). */
  async touch(visits: { eventId: string; shopperId: string }[]): Promise<void> {
    // One command each rather than a pipeline: on a Redis Cluster the events' keys are in other slots.
    await Promise.all(
      visits.map(({ eventId, shopperId }) => this.redis.pexpire(this.keys.visit(eventId, shopperId), this.gapMs)),
    );
  }
}
