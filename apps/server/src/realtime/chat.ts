import { randomBytes } from 'node:crypto';
import { ErrorCode, LiveshopError, type Ack, type ChatMessage, type ChatSendPayload } from '@liveshop/protocol';
import type { RealtimeContext } from './context.js';
import { roomOf } from './event-rooms.js';

/** C0 controls other than tab and newline, and DEL: never useful in chat, sometimes harmful in logs. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

export interface ChatSender {
  id: string;
  /** A shopper's id, checked against mutes and bans and shown to staff; absent for staff. */
  shopperId?: string;
  ip: string;
  role: ChatMessage['role'];
  author: string;
  rooms: Set<string>;
}

/**
 * Rate-limits, stores (last N per event) and broadcasts one chat message to every process. The
 * sender must have joined the event.
 */
export async function sendChat(
  ctx: RealtimeContext,
  sender: ChatSender,
  input: ChatSendPayload,
): Promise<Ack<{ message: ChatMessage }>> {
  if (!sender.rooms.has(roomOf(input.eventId))) {
    throw new LiveshopError(ErrorCode.FORBIDDEN, `join event ${input.eventId} before chatting in it`);
  }
  const text = input.text.replace(CONTROL_CHARACTERS, '').trim();
  if (!text) throw new LiveshopError(ErrorCode.INVALID_INPUT, 'text: message is empty');
  if (sender.shopperId) await ctx.moderation.checkChat(input.eventId, sender.shopperId);
  await ctx.limits.chat(sender.id, sender.ip);
  const message: ChatMessage = {
    id: randomBytes(9).toString('base64url'),
    eventId: input.eventId,
    author: sender.author,
    text,
    at: Date.now(),
    role: sender.role,
  };
  if (sender.shopperId) message.shopperId = sender.shopperId;
  await ctx.chat.append(message);
  ctx.rooms.emitChat(message);
  const { shopperId: _authorId, ...echo } = message;
  return { ok: true, message: sender.shopperId ? echo : message };
}

/** A stable, short display name for an anonymous shopper. */
export const shopperDisplayName = (shopperId: string): string => `Viewer ${shopperId.slice(-4).toUpperCase()}`;
