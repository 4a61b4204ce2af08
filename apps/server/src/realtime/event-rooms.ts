import type { ChatMessage, ShopServerToClientEvents, StaffServerToClientEvents } from '@liveshop/protocol';
import { NAMESPACES } from '@liveshop/protocol';
import { slicedBroadcast, type BroadcastCost } from './sliced-broadcast.js';
import type { AnyNamespace, StaffNamespace } from './types.js';

/** The socket.io room of an event; the same name in `/shop`, `/host` and `/moderator`. */
export const roomOf = (eventId: string): string => `ev:${eventId}`;

/** The event id of a room name, or null for other rooms (every socket's own id room). */
export const eventOfRoom = (room: string): string | null => (room.startsWith('ev:') ? room.slice(3) : null);

type Events = ShopServerToClientEvents;
type StaffEvents = StaffServerToClientEvents;

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

  /**
   * A chat message to everyone watching the event: staff get the author's shopper id (to mute or
   * ban), viewers do not.
   */
  emitChat(message: ChatMessage): void {
    const room = roomOf(message.eventId);
    const { shopperId: _authorId, ...forViewers } = message;
    for (const namespace of this.namespaces) {
      if (namespace.name === NAMESPACES.shop) namespace.to(room).emit('chat', forViewers);
      else namespace.to(room).emit('chat', message);
    }
  }

  /** Sends to the event's staff on one staff namespace (`/host` or `/moderator`), on every process. */
  emitStaff<E extends keyof StaffEvents>(
    namespace: 'host' | 'moderator',
    eventId: string,
    event: E,
    ...args: Parameters<StaffEvents[E]>
  ): void {
    const target = this.namespaces.find((candidate) => candidate.name === NAMESPACES[namespace]);
    (target as unknown as StaffNamespace | undefined)?.to(roomOf(eventId)).emit(event, ...args);
  }

  /** Sends to the event's staff on this process only. */
  emitStaffLocal<E extends keyof StaffEvents>(
    namespace: 'host' | 'moderator',
    eventId: string,
    event: E,
    ...args: Parameters<StaffEvents[E]>
  ): void {
    const target = this.namespaces.find((candidate) => candidate.name === NAMESPACES[namespace]);
    (target as unknown as StaffNamespace | undefined)?.local.to(roomOf(eventId)).emit(event, ...args);
  }

  /** This process's sockets in each event room of a namespace, by event id. */
  localAudience(namespace: keyof typeof NAMESPACES): Map<string, number> {
    const target = this.namespaces.find((candidate) => candidate.name === NAMESPACES[namespace]);
    const counts = new Map<string, number>();
    for (const [room, members] of target?.adapter.rooms ?? []) {
      const eventId = eventOfRoom(room);
      if (eventId !== null) counts.set(eventId, members.size);
    }
    return counts;
  }

  /** Whether any socket of this process watches the event. */
  hasLocalMembers(eventId: string): boolean {
    const room = roomOf(eventId);
    return this.namespaces.some((namespace) => (namespace.adapter.rooms.get(room)?.size ?? 0) > 0);
  }
}
