import { ErrorCode } from '@liveshop/protocol';
import type { RealtimeContext } from './context.js';
import { connectRefusal, eventsOf, serveRequests } from './requests.js';
import { SHOP_REQUESTS } from './shop-requests.js';
import { HOST_REQUESTS, MODERATOR_REQUESTS } from './staff-requests.js';
import type { ShopNamespace } from './types.js';

const SHOP_EVENTS = eventsOf(SHOP_REQUESTS);

/**
 * The session token each connection is sent, kept from the handshake: the one it presented (just
 * verified) or the one minted for it, so a connection costs one signature, not two.
 */
const tokens = new WeakMap<object, string>();

/** The room of every `/shop` connection of one shopper. */
export const shopperRoom = (shopperId: string): string => `shopper:${shopperId}`;
/** Requests only staff namespaces answer: a shopper asking for one is told where it belongs. */
const STAFF_ONLY = new Set(
  [...eventsOf(HOST_REQUESTS), ...eventsOf(MODERATOR_REQUESTS)].filter((event) => !SHOP_EVENTS.has(event)),
);

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
      tokens.set(socket, auth!.session as string);
      next();
      return;
    }
    // A new session is a fresh per-shopper allowance: minting them is limited per IP. A session
    // minted from the IP of a banned shopper starts banned where that shopper was, before the
    // connection can send anything.
    ctx.limits
      .session(ip)
      .then(async () => {
        const minted = ctx.sessions.create();
        socket.data.shopperId = minted.shopperId;
        tokens.set(socket, minted.session);
        await ctx.moderation.inheritBans(socket.data.shopperId, ip).catch(() => undefined);
      })
      .then(
        () => next(),
        (error: unknown) => next(connectRefusal(error)),
      );
  });

  shop.on('connection', (socket) => {
    const { shopperId, ip } = socket.data;
    const session = tokens.get(socket) ?? ctx.sessions.tokenFor(shopperId);
    tokens.delete(socket);
    socket.emit('session', { session, shopperId });
    // Moderators find a shopper's connections (and their IPs) through this room, on every process.
    void socket.join(shopperRoom(shopperId));
    socket.on('disconnect', () => ctx.analytics.disconnected(socket.id));
    serveRequests(socket, SHOP_REQUESTS, { ctx, socket, shopperId, ip }, (event) =>
      STAFF_ONLY.has(event)
        ? { code: ErrorCode.UNAUTHORIZED, message: `${event} needs a host or moderator token on /host or /moderator` }
        : undefined,
    );
  });
}
