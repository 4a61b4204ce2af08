import type { ChatMessage } from '@liveshop/protocol';
import type { RedisClient } from '../redis-connection.js';
import type { KeyBuilder } from '@liveshop/inventory';

/** The last N chat messages of each event, in a capped Redis list (newest first). */
export class ChatStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeyBuilder,
    private readonly keep: number,
  ) {}

  async append(message: ChatMessage): Promise<void> {
    if (this.keep === 0) return;
    const key = this.keys.chat(message.eventId);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(message))
      .ltrim(key, 0, this.keep - 1)
      .exec();
  }

  /** Removes a message from the history; resolves false when it is not (or no longer) there. */
  async remove(eventId: string, messageId: string): Promise<boolean> {
    if (this.keep === 0) return false;
    const key = this.keys.chat(eventId);
    const raw = await this.redis.lrange(key, 0, this.keep - 1);
    for (const entry of raw) {
      try {
        if ((JSON.parse(entry) as ChatMessage).id === messageId) return (await this.redis.lrem(key, 0, entry)) > 0;
      } catch {
        // A corrupt entry is skipped.
      }
    }
    return false;
  }

  /** The most recent messages, oldest first. */
  async recent(eventId: string): Promise<ChatMessage[]> {
    if (this.keep === 0) return [];
    const raw = await this.redis.lrange(this.keys.chat(eventId), 0, this.keep - 1);
    const messages: ChatMessage[] = [];
    for (let index = raw.length - 1; index >= 0; index -= 1) {
      try {
        messages.push(JSON.parse(raw[index]!) as ChatMessage);
      } catch {
        // A corrupt entry costs one message of history, not the join.
      }
    }
    return messages;
  }
}
