import { ErrorCode, LiveshopError, type ModerationNotice, type ModerationState } from '@liveshop/protocol';
import { WriteBatcher, type InventoryStore, type KeyBuilder } from '@liveshop/inventory';
import type { RedisClient } from '../redis-connection.js';
import type { ChatStore } from '../realtime/chat-store.js';
import type { EventRooms } from '../realtime/event-rooms.js';
import type { ModerationStore } from './moderation-store.js';

/** Finds the IPs a shopper's connected sockets have, on every process. */
export type ShopperIps = (shopperId: string) => Promise<string[]>;

/** Puts the event's bans back into Redis from PostgreSQL (after Redis lost the event). */
export async function restoreBans(store: ModerationStore, inventory: InventoryStore, eventId: string): Promise<void> {
  const banned = await store.banned(eventId);
  await inventory.setBanned(
    eventId,
    banned.map((ban) => ban.shopperId),
    true,
  );
}

/** How long an IP carries a ban over to new sessions. */
const IP_BAN_SECONDS = 7 * 24 * 3600;

/**
 * Chat moderation, enforced on the server: deleting a message (gone from the history and from
 * every viewer's screen), muting a shopper's chat for N minutes, banning a shopper from an event
 * (no chat, no reserve: the reserve script reads the ban). Every decision is recorded in
 * PostgreSQL with its actor.
 *
 * A ban must survive the shopper dropping their session token (which mints a new shopper id): the
 * IPs of the banned shopper's sockets are remembered for a week, and a session minted from one of
 * them starts banned in that event ({@link inheritBans}). Sessions that existed before the ban are
 * untouched, so other shoppers behind the same address keep theirs; minting sessions is limited
 * per IP, which bounds how fast anyone can try.
 */
export class ModerationService {
  /** The ban lookups of a join storm's new sessions leave in one write per event-loop turn. */
  readonly #writes: WriteBatcher;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: KeyBuilder;
      inventory: InventoryStore;
      chat: ChatStore;
      rooms: EventRooms;
      store: ModerationStore;
      shopperIps: ShopperIps;
    },
  ) {
    this.#writes = WriteBatcher.for(deps.redis);
  }

  /** Refuses a shopper's chat when banned (`BANNED`) or muted (`MUTED`). */
  async checkChat(eventId: string, shopperId: string): Promise<void> {
    const { redis, keys } = this.deps;
    const [banned, until] = await Promise.all([
      this.deps.inventory.isBanned(eventId, shopperId),
      redis.hget(keys.mutes(eventId), shopperId),
    ]);
    if (banned) throw new LiveshopError(ErrorCode.BANNED, 'you are banned from this event');
    const mutedUntil = Number(until ?? 0);
    if (mutedUntil > Date.now()) {
      throw new LiveshopError(ErrorCode.MUTED, `you are muted until ${new Date(mutedUntil).toISOString()}`);
    }
  }

  async deleteMessage(eventId: string, messageId: string, actor: string): Promise<void> {
    // Viewers may still show a message that scrolled out of the stored history: it is removed
    // from their screens whether or not the history had it.
    await this.deps.chat.remove(eventId, messageId);
    await this.deps.store.record({ eventId, action: 'delete', messageId, actor });
    this.deps.rooms.emit(eventId, 'chat:deleted', { eventId, messageId });
    this.#notify({ eventId, action: 'delete', messageId, by: actor, at: Date.now() });
  }

  async mute(eventId: string, shopperId: string, minutes: number, actor: string): Promise<{ until: number }> {
    const until = Date.now() + minutes * 60_000;
    await this.deps.redis.hset(this.deps.keys.mutes(eventId), shopperId, String(until));
    await this.deps.store.record({ eventId, action: 'mute', shopperId, until, actor });
    this.#notify({ eventId, action: 'mute', shopperId, until, by: actor, at: Date.now() });
    return { until };
  }

  async ban(eventId: string, shopperId: string, actor: string): Promise<void> {
    const { redis, keys, inventory, store } = this.deps;
    await inventory.setBanned(eventId, [shopperId], true);
    const ips = await this.deps.shopperIps(shopperId).catch(() => []);
    await store.ban(eventId, shopperId, ips, actor);
    await store.record({ eventId, action: 'ban', shopperId, actor });
    for (const ip of ips) {
      await redis.multi().sadd(keys.bannedIp(ip), eventId).expire(keys.bannedIp(ip), IP_BAN_SECONDS).exec();
    }
    this.#notify({ eventId, action: 'ban', shopperId, by: actor, at: Date.now() });
  }

  /**
   * A session just minted from `ip`: when a shopper banned from some events had that IP, the new
   * shopper starts banned in those events. One Redis read when the IP carries no ban.
   */
  async inheritBans(shopperId: string, ip: string): Promise<void> {
    this.#writes.hold();
    const events = await this.deps.redis.smembers(this.deps.keys.bannedIp(ip));
    for (const eventId of events) {
      await this.deps.inventory.setBanned(eventId, [shopperId], true);
      await this.deps.store.ban(eventId, shopperId, [ip], 'system');
      await this.deps.store.record({ eventId, action: 'ban_inherited', shopperId, actor: 'system' });
      this.#notify({ eventId, action: 'ban', shopperId, by: 'system', at: Date.now() });
    }
  }

  /** Who is muted (mutes still running) and banned in the event. */
  async state(eventId: string): Promise<ModerationState> {
    const [mutes, banned] = await Promise.all([
      this.deps.redis.hgetall(this.deps.keys.mutes(eventId)),
      this.deps.store.banned(eventId),
    ]);
    const now = Date.now();
    return {
      muted: Object.entries(mutes)
        .map(([shopperId, until]) => ({ shopperId, until: Number(until) }))
        .filter((mute) => mute.until > now),
      banned: banned.map((ban) => ban.shopperId),
    };
  }

  #notify(notice: ModerationNotice): void {
    this.deps.rooms.emitStaff('moderator', notice.eventId, 'moderation', notice);
    this.deps.rooms.emitStaff('host', notice.eventId, 'moderation', notice);
  }
}
