import {
  ErrorCode,
  LiveshopError,
  chatSendPayload,
  checkoutPayload,
  joinPayload,
  parseInput,
  shopJoinPayload,
  releasePayload,
  reservePayload,
  type Ack,
  type ReserveAck,
  type ShopClientToServerEvents,
} from '@liveshop/protocol';
import type { z } from 'zod';
import { deviceClassOf } from '../analytics/device-class.js';
import type { RealtimeContext } from './context.js';
import { sendChat, shopperDisplayName } from './chat.js';
import { roomOf } from './event-rooms.js';
import { joinEvent, joinedEvents } from './join.js';
import type { RequestTable } from './requests.js';
import type { ShopSocket } from './types.js';

/** What a `/shop` request is answered for: the socket and its shopper. */
export interface ShopperConnection {
  ctx: RealtimeContext;
  socket: ShopSocket;
  shopperId: string;
  ip: string;
}

/** A reserve's answer as the shopper gets it. */
function reserveAck(
  result: Awaited<ReturnType<RealtimeContext['inventory']['reserveChecked']>>,
): Ack<ReserveAck> {
  if (!result.ok) return result;
  const { hold, available, version, generation } = result;
  return {
    ok: true,
    hold: { id: hold.id, sku: hold.sku, qty: hold.qty, expiresAt: hold.expiresAt },
    available,
    version,
    generation,
  };
}

/** A payload check with a protocol schema. */
const checkedBy =
  <S extends z.ZodType>(schema: S) =>
  (payload: unknown): z.output<S> =>
    parseInput(schema, payload);

/**
 * Every request `/shop` answers. The hot path is `reserve`: rate-limit (in memory; one Redis call
 * when the per-IP limit is on), reserve (one script call for the turn's reserves of the SKU),
 * acknowledge. Nothing else touches Redis;
 * the stock push to viewers comes from the ledger fan-out.
 */
export const SHOP_REQUESTS: RequestTable<ShopClientToServerEvents, ShopperConnection> = {
  join: {
    parse: checkedBy(shopJoinPayload),
    handle: async ({ eventId, optOut }, { ctx, socket, shopperId, ip }) => {
      await ctx.limits.join(shopperId, ip);
      const joined = await joinEvent(ctx, socket, eventId, shopperId);
      // A socket gone while it joined has had its disconnect already: recorded now, it would stay open.
      if (socket.connected) {
        ctx.analytics.joined(socket.id, eventId, shopperId, {
          device: deviceClassOf(socket.handshake.headers['user-agent']),
          optedOut: optOut === true,
        });
      }
      return joined;
    },
  },

  leave: {
    parse: checkedBy(joinPayload),
    handle: async ({ eventId }, { ctx, socket, shopperId, ip }) => {
      await ctx.limits.leave(shopperId, ip);
      await socket.leave(roomOf(eventId));
      ctx.analytics.left(socket.id, eventId);
      return { ok: true };
    },
  },

  reserve: {
    parse: checkedBy(reservePayload),
    handle: (payload, { ctx, shopperId, ip }) => {
      // The per-session check answers synchronously; waiting only when the per-IP check needs
      // Redis keeps the reserve in this turn's batch (docs/benchmarks.md). Written with `then`
      // rather than `async`: the hot path's promises are its cost.
      const limited = ctx.limits.reserve(shopperId, ip);
      // The payload was checked by `parse`, the shopper id is the session's own: not checked again.
      const { eventId, sku, qty, idempotencyKey } = payload;
      const reserve = () => ctx.inventory.reserveChecked({ eventId, sku, qty, idempotencyKey, shopperId }).then(reserveAck);
      return limited ? limited.then(reserve) : reserve();
    },
    observe: (outcome, seconds, { ctx }) => {
      ctx.metrics.countReserve(outcome);
      ctx.metrics.reserveLatency.observe(seconds);
    },
  },

  release: {
    parse: checkedBy(releasePayload),
    handle: async (payload, { ctx, socket, shopperId, ip }) => {
      await ctx.limits.release(shopperId, ip);
      const result = await ctx.inventory.release({
        eventId: payload.eventId ?? soleEvent(joinedEvents(socket)),
        holdId: payload.holdId,
        // Without a caller key, a retried release of the same hold is still idempotent.
        idempotencyKey: payload.idempotencyKey ?? `release-${payload.holdId.replace('~', '-')}`.slice(0, 128),
        shopperId,
      });
      if (!result.ok) return result;
      const { holdId, available, version, generation } = result;
      return { ok: true, holdId, available, version, generation };
    },
  },

  'chat:send': {
    parse: checkedBy(chatSendPayload),
    handle: (payload, { ctx, socket, shopperId, ip }) =>
      sendChat(
        ctx,
        { id: shopperId, shopperId, ip, role: 'shopper', author: shopperDisplayName(shopperId), rooms: socket.rooms },
        payload,
      ),
  },

  checkout: {
    parse: checkedBy(checkoutPayload),
    handle: async (payload, { ctx, shopperId, ip }) => {
      // Checkouts count against the session's release limit (both end holds).
      await ctx.limits.release(shopperId, ip);
      const order = await ctx.checkout.checkout(shopperId, payload);
      return { ok: true, order };
    },
  },
};

function soleEvent(events: string[]): string {
  if (events.length === 1) return events[0]!;
  throw new LiveshopError(
    ErrorCode.INVALID_INPUT,
    events.length === 0
      ? 'eventId: required when the connection has not joined an event'
      : 'eventId: required when the connection has joined several events',
  );
}
