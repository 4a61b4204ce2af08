import { ErrorCode, LiveshopError, type StaffRole } from '@liveshop/protocol';
import type { StaffClaims } from '../auth/staff-token.js';
import type { RealtimeContext } from './context.js';
import { connectRefusal, eventsOf, serveRequests } from './requests.js';
import { SHOP_REQUESTS } from './shop-requests.js';
import { HOST_REQUESTS, MODERATOR_REQUESTS } from './staff-requests.js';
import type { HostNamespace, ModeratorNamespace } from './types.js';

/** Every request any namespace answers: asked on the wrong one, it is `FORBIDDEN` rather than unknown. */
const KNOWN_EVENTS = new Set([...eventsOf(SHOP_REQUESTS), ...eventsOf(HOST_REQUESTS), ...eventsOf(MODERATOR_REQUESTS)]);

/** The room of every socket opened with one staff token, on `/host` or `/moderator`: revoking closes it. */
export const tokenRoom = (tokenId: string): string => `token:${tokenId}`;

/**
 * `/host` and `/moderator`: connections present `auth.token`, a staff token for one event. A
 * missing, forged, expired or revoked token, or one for the other role, is refused at connection
 * with `connect_error` whose `data` is `{ code, message }`. Every request names its event, which
 * must be the token's (`FORBIDDEN` otherwise), and is re-checked against the token's expiry; at
 * the expiry the connection is closed, and so it is when the token is revoked (on every process:
 * each socket sits in its token's room).
 */
export function registerStaffNamespaces(
  namespaces: { host: HostNamespace; moderator: ModeratorNamespace },
  ctx: RealtimeContext,
): void {
  registerStaff(namespaces.host, 'host', ctx);
  registerStaff(namespaces.moderator, 'moderator', ctx);
}

/** Closes every socket opened with the token, on every process. */
export function disconnectToken(namespaces: { host: HostNamespace; moderator: ModeratorNamespace }, tokenId: string) {
  namespaces.host.in(tokenRoom(tokenId)).disconnectSockets(true);
  namespaces.moderator.in(tokenRoom(tokenId)).disconnectSockets(true);
}

function registerStaff(namespace: HostNamespace | ModeratorNamespace, role: StaffRole, ctx: RealtimeContext): void {
  const claimsOf = new WeakMap<object, StaffClaims>();

  namespace.use((socket, next) => {
    let claims: StaffClaims;
    try {
      claims = ctx.staffTokens.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      if (claims.role !== role) {
        throw new LiveshopError(ErrorCode.FORBIDDEN, `a ${claims.role} token cannot open /${role}`);
      }
    } catch (error) {
      next(connectRefusal(error, { code: ErrorCode.UNAUTHORIZED, message: 'invalid token' }));
      return;
    }
    ctx.tokenRegistry.isRevoked(claims.id).then(
      (revoked) => {
        if (revoked) {
          next(connectRefusal(new LiveshopError(ErrorCode.UNAUTHORIZED, 'the token has been revoked')));
          return;
        }
        claimsOf.set(socket, claims);
        socket.data = {
          role,
          shopperId: `${role}:${claims.eventId}`,
          eventId: claims.eventId,
          ip: socket.handshake.address,
        };
        next();
      },
      (error: unknown) =>
        next(
          connectRefusal(error, { code: ErrorCode.UNAVAILABLE, message: 'the token cannot be checked now; try again' }),
        ),
    );
  });

  namespace.on('connection', (socket) => {
    const claims = claimsOf.get(socket)!;
    void socket.join(tokenRoom(claims.id));
    // A staff connection lives no longer than its token: at the expiry the server closes it, and
    // reconnecting with the same token is refused.
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, claims.expiresAt - Date.now()));
    socket.once('disconnect', () => clearTimeout(expiry));
    const connection = { ctx, socket, role, claims };
    const refusal = (event: string) =>
      KNOWN_EVENTS.has(event)
        ? { code: ErrorCode.FORBIDDEN, message: `${event} is not allowed on /${role}` }
        : undefined;
    if (role === 'host') serveRequests(socket, HOST_REQUESTS, connection, refusal);
    else serveRequests(socket, MODERATOR_REQUESTS, connection, refusal);
  });
}
