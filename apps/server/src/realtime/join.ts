import {
  ErrorCode,
  LiveshopError,
  type Ack,
  type ChatMessage,
  type EventSnapshot,
  type Hold,
  type HoldView,
  type JoinAck,
} from '@liveshop/protocol';
import type { RealtimeContext } from './context.js';
import { eventOfRoom, roomOf } from './event-rooms.js';

/** How many events one connection may watch at once. */
export const MAX_EVENTS_PER_SOCKET = 4;

interface JoiningSocket {
  rooms: Set<string>;
  join(room: string): unknown;
}

/** What every socket joining an event is told alike: its snapshot, recent chat, the Redis time. */
interface EventView {
  snapshot: EventSnapshot;
  /** Recent chat as staff see it, with each author's shopper id. */
  chat: ChatMessage[];
  /** The same messages as viewers see them, without who wrote them (built once per read). */
  chatForViewers: ChatMessage[];
  serverTime: number;
}

/**
 * One read of an event's view for all the joins of that event that ask in the same event-loop
 * turn: a storm of 10,000 joins costs a few reads a turn instead of five Redis calls per socket. A
 * read only serves joins that asked before it started (it starts on the next turn and leaves the
 * map as it does), so each socket is in the room before the read that answers it begins.
 */
class SharedEventReads {
  readonly #next = new Map<string, Promise<EventView>>();

  constructor(private readonly ctx: RealtimeContext) {}

  read(eventId: string): Promise<EventView> {
    let view = this.#next.get(eventId);
    if (!view) {
      view = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.#next.delete(eventId);
        return this.#load(eventId);
      });
      this.#next.set(eventId, view);
    }
    return view;
  }

  async #load(eventId: string): Promise<EventView> {
    this.ctx.inventory.batchWrites();
    const [snapshot, chat, serverTime] = await Promise.all([
      this.ctx.events.snapshot(eventId),
      this.ctx.chat.recent(eventId),
      this.ctx.inventory.now(),
    ]);
    // Viewers never see who wrote a message; staff do (to mute or ban).
    const chatForViewers = chat.map(({ shopperId: _authorId, ...message }) => message);
    return { snapshot, chat, chatForViewers, serverTime };
  }
}

const sharedReads = new WeakMap<RealtimeContext, SharedEventReads>();

/**
 * Adds the socket to the event's room and answers with a fresh snapshot. The order matters: this
 * process starts tailing the ledger first, then the socket joins the room, then the snapshot is
 * read, so no change can fall between the snapshot and the first push. A change may arrive twice
 * (in the snapshot and as a push); its version lets the client drop the older copy. Joins of one
 * event in the same event-loop turn share the read (see {@link SharedEventReads}).
 *
 * With a `shopperId` (on `/shop`) the ack also carries that shopper's holds in the event that are
 * still running at the snapshot's Redis time, so a reloaded page shows them with their countdown.
 */
export async function joinEvent(
  ctx: RealtimeContext,
  socket: JoiningSocket,
  eventId: string,
  shopperId?: string,
): Promise<Ack<JoinAck>> {
  await ctx.events.require(eventId);
  const room = roomOf(eventId);
  if (!socket.rooms.has(room) && joinedEvents(socket).length >= MAX_EVENTS_PER_SOCKET) {
    throw new LiveshopError(
      ErrorCode.INVALID_INPUT,
      `a connection may watch at most ${MAX_EVENTS_PER_SOCKET} events; leave one first`,
    );
  }
  await ctx.fanout.watch(eventId);
  await socket.join(room);
  let reads = sharedReads.get(ctx);
  if (!reads) sharedReads.set(ctx, (reads = new SharedEventReads(ctx)));
  const [{ snapshot, chat, chatForViewers, serverTime }, holds] = await Promise.all([
    reads.read(eventId),
    shopperId ? ctx.inventory.listShopperHolds(eventId, shopperId) : undefined,
  ]);
  if (!holds) return { ok: true, ...snapshot, chat, serverTime };
  return { ok: true, ...snapshot, chat: chatForViewers, serverTime, holds: runningHolds(holds, serverTime) };
}

/**
 * The holds still running at `now`, oldest first, as shoppers see them. An expired hold stays in
 * the inventory's list until the sweeper (or the SKU's next reserve) returns its units, but it is
 * no longer the shopper's to check out.
 */
function runningHolds(holds: Hold[], now: number): HoldView[] {
  return holds
    .filter((hold) => hold.expiresAt > now)
    .sort((a, b) => a.expiresAt - b.expiresAt)
    .map(({ id, sku, qty, expiresAt }) => ({ id, sku, qty, expiresAt }));
}

/** The events a socket watches, from its rooms. */
export function joinedEvents(socket: { rooms: Set<string> }): string[] {
  const events: string[] = [];
  for (const room of socket.rooms) {
    const eventId = eventOfRoom(room);
    if (eventId) events.push(eventId);
  }
  return events;
}
