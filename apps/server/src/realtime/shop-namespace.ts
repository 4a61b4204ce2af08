import {
  ErrorCode,
  LiveshopError,
  joinPayload,
  parseInput,
  releasePayload,
  reservePayload,
  type Ack,
  type ReleaseAck,
  type ReserveAck,
  type ReservePayload,
} from '@liveshop/protocol';
import type { RealtimeContext } from './context.js';
import { sendChat, shopperDisplayName } from './chat.js';
import { roomOf } from './event-rooms.js';
import { joinEvent, joinedEvents } from './join.js';
import { connectRefusal, onRequest, refuseUnknownEvents } from './requests.js';
import type { ShopNamespace, ShopSocket } from './types.js';

const HANDLED = new Set(['join', 'leave', 'reserve', 'release', 'chat:send']);
const STAFF_EVENTS = new Set(['pin', 'status', 'chat:delete']);

/**
 * `/shop`: anonymous shoppers. A connection presents `auth.session` (the token it got before) or
 * none; an invalid or absent session gets a new shopper id. Either way the server sends `session`
 * first, and the shopper id is what per-shopper limits and idempotency keys are scoped to.
 */
export function registerShopNamespace(shop: ShopNamespace, ctx: RealtimeContext): void {
  shop.use((socket, next) => {
    const auth = socket.handshake.auth as { session?: unknown } | undefined;
    const shopperId = ctx.sessions.verify(auth?.session);
    const ip = socket.handshake.address;
    socket.data = { role: 'shopper', shopperId: shopperId ?? '', ip };
    if (shopperId) {
      next();
      return;
    }
    // A new session is a fresh per-shopper allowance: minting them is limited per IP.
    ctx.limits.session(ip).then(
      () => next(),
      (error: unknown) => next(connectRefusal(error)),
    );
  });

  shop.on('connection', (socket) => {
    const known = socket.data.shopperId;
    if (known) {
      socket.emit('session', { session: ctx.sessions.tokenFor(known), shopperId: known });
    } else {
      const fresh = ctx.sessions.create();
      socket.data.shopperId = fresh.shopperId;
      socket.emit('session', fresh);
    }
    registerShopperRequests(socket, ctx);
  });
}

function registerShopperRequests(socket: ShopSocket, ctx: RealtimeContext): void {
  const { data } = socket;

  onRequest(socket, 'join', async (payload) => {
    await ctx.limits.join(data.shopperId, data.ip);
    return joinEvent(ctx, socket, payload, data.shopperId);
  });

  onRequest(socket, 'leave', async (payload) => {
    await ctx.limits.leave(data.shopperId, data.ip);
    const { eventId } = parseInput(joinPayload, payload);
    await socket.leave(roomOf(eventId));
    return { ok: true };
  });

  onRequest(socket, 'reserve', (payload) => reserve(ctx, data.shopperId, data.ip, payload));

  onRequest(socket, 'release', async (payload): Promise<Ack<ReleaseAck>> => {
    await ctx.limits.release(data.shopperId, data.ip);
    const input = parseInput(releasePayload, payload);
    const eventId = input.eventId ?? soleEvent(joinedEvents(socket));
    const result = await ctx.inventory.release({
      eventId,
      holdId: input.holdId,
      // Without a caller key, a retried release of the same hold is still idempotent.
      idempotencyKey: input.idempotencyKey ?? `release-${input.holdId.replace('~', '-')}`.slice(0, 128),
      shopperId: data.shopperId,
    });
    if (!result.ok) return result;
    const { holdId, available, version, generation } = result;
    return { ok: true, holdId, available, version, generation };
  });

  onRequest(socket, 'chat:send', (payload) =>
    sendChat(
      ctx,
      {
        id: data.shopperId,
        ip: data.ip,
        role: 'shopper',
        author: shopperDisplayName(data.shopperId),
        rooms: socket.rooms,
      },
      payload,
    ),
  );

  refuseUnknownEvents(socket, HANDLED, (event) =>
    STAFF_EVENTS.has(event)
      ? { code: ErrorCode.UNAUTHORIZED, message: `${event} needs a host or moderator token on /host or /moderator` }
      : undefined,
  );
}

/**
 * The hot path: rate-limit (in memory, synchronously; one Redis call when the per-IP limit is on), reserve (one
 * EVALSHA), acknowledge. Nothing else touches Redis; the stock push to viewers comes from the
 * ledger fan-out. The payload is validated once, by the inventory store against the protocol's
 * `reserveInput` (the payload plus the session's shopper id), which is `reservePayload`'s schema
 * with `shopperId` added.
 */
async function reserve(
  ctx: RealtimeContext,
  shopperId: string,
  ip: string,
  payload: unknown,
): Promise<Ack<ReserveAck>> {
  const started = performance.now();
  let code = 'ok';
  try {
    // What the spread below would hide from the store's check: a payload that is no object, or one
    // naming a shopperId of its own (the session's overwrites it, so it must be refused here).
    if (typeof payload !== 'object' || payload === null || Object.hasOwn(payload, 'shopperId')) {
      parseInput(reservePayload, payload);
    }
    const ipLimit = ctx.limits.reserve(shopperId, ip);
    if (ipLimit) await ipLimit;
    const result = await ctx.inventory.reserve({ ...(payload as ReservePayload), shopperId });
    if (!result.ok) {
      code = result.error.code;
      return result;
    }
    const { hold } = result;
    return {
      ok: true,
      hold: { id: hold.id, sku: hold.sku, qty: hold.qty, expiresAt: hold.expiresAt },
      available: result.available,
      version: result.version,
      generation: result.generation,
    };
  } catch (error) {
    code = error instanceof LiveshopError ? error.code : ErrorCode.INTERNAL;
    throw error;
  } finally {
    ctx.metrics.countReserve(code);
    ctx.metrics.reserveLatency.observe((performance.now() - started) / 1000);
  }
}

function soleEvent(events: string[]): string {
  if (events.length === 1) return events[0]!;
  throw new LiveshopError(
    ErrorCode.INVALID_INPUT,
    events.length === 0
      ? 'eventId: required when the connection has not joined an event'
      : 'eventId: required when the connection has joined several events',
  );
}
