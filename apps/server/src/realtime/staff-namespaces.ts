import {
  ErrorCode,
  LiveshopError,
  eventIdSchema,
  parseInput,
  pinPayload,
  statusPayload,
  type StaffRole,
} from '@liveshop/protocol';
import { z } from 'zod';
import type { StaffClaims } from '../auth/staff-token.js';
import type { RealtimeContext } from './context.js';
import { sendChat } from './chat.js';
import { joinEvent } from './join.js';
import { connectRefusal, onRequest, refuseUnknownEvents } from './requests.js';
import type { HostNamespace, ModeratorNamespace } from './types.js';

type StaffNamespace = HostNamespace | ModeratorNamespace;
const HOST_EVENTS = new Set(['join', 'pin', 'status', 'chat:send']);
const MODERATOR_EVENTS = new Set(['join', 'chat:send']);
/** Just the event id of a staff request, checked before the request's own schema. */
const scopedPayload = z.looseObject({ eventId: eventIdSchema });
const DISPLAY_NAMES: Record<StaffRole, string> = { host: 'Host', moderator: 'Moderator' };

/**
 * `/host` and `/moderator`: connections present `auth.token`, a staff token for one event. A
 * missing, forged or expired token, or one for the other role, is refused at connection with
 * `connect_error` whose `data` is `{ code, message }`. Every request names its event, which must be
 * the token's (`FORBIDDEN` otherwise), and is re-checked against the token's expiry; at the expiry
 * the connection is closed.
 */
export function registerStaffNamespaces(
  namespaces: { host: HostNamespace; moderator: ModeratorNamespace },
  ctx: RealtimeContext,
): void {
  registerStaff(namespaces.host, 'host', ctx);
  registerStaff(namespaces.moderator, 'moderator', ctx);
}

function registerStaff(namespace: StaffNamespace, role: StaffRole, ctx: RealtimeContext): void {
  const claimsOf = new WeakMap<object, StaffClaims>();

  namespace.use((socket, next) => {
    try {
      const claims = ctx.staffTokens.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      if (claims.role !== role) {
        throw new LiveshopError(ErrorCode.FORBIDDEN, `a ${claims.role} token cannot open /${role}`);
      }
      claimsOf.set(socket, claims);
      socket.data = {
        role,
        shopperId: `${role}:${claims.eventId}`,
        eventId: claims.eventId,
        ip: socket.handshake.address,
      };
      next();
    } catch (error) {
      next(connectRefusal(error, { code: ErrorCode.UNAUTHORIZED, message: 'invalid token' }));
    }
  });

  namespace.on('connection', (socket) => {
    const claims = claimsOf.get(socket)!;
    // A staff connection lives no longer than its token: at the expiry the server closes it, and
    // reconnecting with the same token is refused.
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, claims.expiresAt - Date.now()));
    socket.once('disconnect', () => clearTimeout(expiry));
    /** Checks the payload's event id against the token's scope, and the token's expiry. */
    const withEvent = (payload: unknown): void => {
      if (claims.expiresAt <= Date.now()) throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'the token has expired');
      const { eventId } = parseInput(scopedPayload, payload);
      if (eventId !== claims.eventId) {
        throw new LiveshopError(ErrorCode.FORBIDDEN, `this token is for event ${claims.eventId}, not ${eventId}`);
      }
    };

    onRequest(socket, 'join', async (payload) => {
      withEvent(payload);
      await ctx.limits.join(socket.data.shopperId, socket.data.ip);
      return joinEvent(ctx, socket, payload);
    });

    onRequest(socket, 'chat:send', (payload) => {
      withEvent(payload);
      return sendChat(
        ctx,
        { id: socket.data.shopperId, ip: socket.data.ip, role, author: DISPLAY_NAMES[role], rooms: socket.rooms },
        payload,
      );
    });

    if (role === 'host') {
      onRequest(socket, 'pin', async (payload) => {
        withEvent(payload);
        const { eventId, skus } = parseInput(pinPayload, payload);
        return { ok: true, ...(await ctx.events.setPinned(eventId, skus)) };
      });
      onRequest(socket, 'status', async (payload) => {
        withEvent(payload);
        const { eventId, status } = parseInput(statusPayload, payload);
        return { ok: true, ...(await ctx.events.setStatus(eventId, status)) };
      });
    }

    const handled = role === 'host' ? HOST_EVENTS : MODERATOR_EVENTS;
    refuseUnknownEvents(socket, handled, (event) =>
      HOST_EVENTS.has(event) || event === 'reserve' || event === 'release'
        ? { code: ErrorCode.FORBIDDEN, message: `${event} is not allowed on /${role}` }
        : undefined,
    );
  });
}
