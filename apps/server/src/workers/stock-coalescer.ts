import type { StockItem } from '@liveshop/protocol';

interface RoomState {
  /** Latest item per SKU not yet sent. */
  pending: Map<string, StockItem>;
  /** Ledger time (ms) of the oldest pending change, for the fan-out lag metric. */
  oldestAt: number;
  lastFlushAt: number;
  /** Earliest time of the next flush after the last one's cost (see {@link StockFlush}). */
  notBefore: number;
  timer: NodeJS.Timeout | undefined;
  /** A flush that returned a promise has not settled yet. */
  sending: boolean;
}

/**
 * Receives one coalesced message for an event: the latest item of each SKU that changed. A flush
 * that sends over several event-loop turns returns a promise of the milliseconds it held the loop:
 * the room's next flush waits for it to settle (so messages never overtake each other) and then at
 * least as long again as it cost, so broadcasting takes at most about half of a busy process's time.
 */
export type StockFlush = (eventId: string, items: StockItem[], oldestChangeAt: number) => void | Promise<number>;

/**
 * Coalesces stock changes per event room: keeps the newest state of each SKU (generation, then
 * version), sends the first
 * change of a quiet period at once (leading edge), then at most one message per `intervalMs`, and
 * no sooner after a slow flush than that flush's cost. The last message of a burst always carries
 * each SKU's final state, because a pending flush is never dropped, only merged into.
 */
export class StockCoalescer {
  readonly #rooms = new Map<string, RoomState>();
  readonly #dirty = new Set<string>();

  constructor(
    private readonly intervalMs: number,
    private readonly flush: StockFlush,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a change; call {@link release} after a batch of changes to send what is due. */
  add(eventId: string, item: StockItem, at: number): void {
    let room = this.#rooms.get(eventId);
    if (!room) {
      room = {
        pending: new Map(),
        oldestAt: at,
        lastFlushAt: -Infinity,
        notBefore: -Infinity,
        timer: undefined,
        sending: false,
      };
      this.#rooms.set(eventId, room);
    }
    if (room.pending.size === 0) room.oldestAt = at;
    const current = room.pending.get(item.sku);
    if (!current || isNewer(item, current)) room.pending.set(item.sku, item);
    this.#dirty.add(eventId);
  }

  /** Sends rooms that have been quiet for an interval now, and schedules the others. */
  release(): void {
    for (const eventId of this.#dirty) {
      const room = this.#rooms.get(eventId);
      if (room) this.#schedule(eventId, room);
    }
    this.#dirty.clear();
  }

  #schedule(eventId: string, room: RoomState): void {
    if (room.timer || room.sending || room.pending.size === 0) return;
    const wait = Math.max(room.lastFlushAt + this.intervalMs, room.notBefore) - this.now();
    if (wait <= 0) this.#send(eventId, room);
    else room.timer = setTimeout(() => this.#send(eventId, room), wait);
  }

  /** Drops an event no longer watched on this process. */
  forget(eventId: string): void {
    const room = this.#rooms.get(eventId);
    if (room?.timer) clearTimeout(room.timer);
    this.#rooms.delete(eventId);
  }

  close(): void {
    for (const eventId of [...this.#rooms.keys()]) this.forget(eventId);
  }

  #send(eventId: string, room: RoomState): void {
    room.timer = undefined;
    if (room.pending.size === 0) return;
    const items = [...room.pending.values()];
    room.pending.clear();
    room.lastFlushAt = this.now();
    const sending = this.flush(eventId, items, room.oldestAt);
    if (!sending) return;
    room.sending = true;
    const settled = (busyMs: number) => {
      room.sending = false;
      room.notBefore = this.now() + busyMs;
      if (this.#rooms.get(eventId) === room) this.#schedule(eventId, room);
    };
    sending.then(settled, () => settled(0));
  }
}

/** Whether `a` is a later state of its SKU than `b`: a higher generation, or a higher version in the same one. */
function isNewer(a: StockItem, b: StockItem): boolean {
  const [genA, genB] = [a.generation ?? 0, b.generation ?? 0];
  return genA !== genB ? genA > genB : a.version > b.version;
}
