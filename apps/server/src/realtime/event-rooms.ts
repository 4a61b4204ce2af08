import type { ShopServerToClientEvents } from '@liveshop/protocol';
import { slicedBroadcast, type BroadcastCost } from './sliced-broadcast.js';
import type { AnyNamespace } from './types.js';

/** The socket.io room of an event; the same name in `/shop`, `/host` and `/moderator`. */
export const roomOf = (eventId: string): string => `ev:${eventId}`;

/** The event id of a room name, or null for other rooms (every socket's own id room). */
export const eventOfRoom = (room: string): string | null => (room.startsWith('ev:') ? room.slice(3) : null);

type Events = ShopServerToClientEvents;

/**
 * Sends to everyone watching an event, in every namespace. `emit` goes through the Redis Streams
 * adapter to every process; `emitLocal` and `broadcastLocal` reach this process's sockets only, for
 * the fan-out, which runs on every process and would otherwise multiply each message by the number
 * of processes.
 */
export class EventRooms {
  constructor(private readonly namespaces: AnyNamespace[]) {}

  emit<E extends keyof Events>(eventId: string, event: E, ...args: Parameters<Events[E]>): void {
    const room = roomOf(eventId);
    for (const namespace of this.namespaces) namespace.to(room).emit(event, ...args);
  }

  emitLocal<E extends keyof Events>(eventId: string, event: E, ...args: Parameters<Events[E]>): void {
    const room = roomOf(eventId);
    for (const namespace of this.namespaces) namespace.local.to(room).emit(event, ...args);
  }

  /**
   * Like `emitLocal`, but encoded once for every socket and sent in short slices of the event loop
   * (see {@link slicedBroadcast}); resolves with what it cost once every socket has its copy. Never
   * start a second one for the same event before the first resolves.
   */
  broadcastLocal<E extends keyof Events>(
    eventId: string,
    event: E,
    payload: Parameters<Events[E]>[0],
  ): Promise<BroadcastCost> {
    return slicedBroadcast(this.namespaces, roomOf(eventId), event, payload);
  }

  /** Whether any socket of this process watches the event. */
  hasLocalMembers(eventId: string): boolean {
    const room = roomOf(eventId);
    return this.namespaces.some((namespace) => (namespace.adapter.rooms.get(room)?.size ?? 0) > 0);
  }
}
