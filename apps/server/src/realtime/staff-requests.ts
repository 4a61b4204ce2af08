import {
  ErrorCode,
  LiveshopError,
  chatSendPayload,
  eventIdSchema,
  joinPayload,
  parseInput,
  pinPayload,
  statusPayload,
  type HostClientToServerEvents,
  type ModeratorClientToServerEvents,
  type StaffRole,
} from '@liveshop/protocol';
import { z } from 'zod';
import type { StaffClaims } from '../auth/staff-token.js';
import type { RealtimeContext } from './context.js';
import { sendChat } from './chat.js';
import { joinEvent } from './join.js';
import type { RequestTable } from './requests.js';
import type { StaffSocket } from './types.js';

/** What a `/host` or `/moderator` request is answered for: the socket and its token. */
export interface StaffConnection {
  ctx: RealtimeContext;
  socket: StaffSocket;
  role: StaffRole;
  claims: StaffClaims;
}

/** Just the event id of a staff request, checked before the request's own schema. */
const scopedPayload = z.looseObject({ eventId: eventIdSchema });
const DISPLAY_NAMES: Record<StaffRole, string> = { host: 'Host', moderator: 'Moderator' };

/**
 * A staff payload check: the token must not have expired, the payload must name the token's event
 * (`FORBIDDEN` otherwise, whatever else is wrong with it), then match `schema`.
 */
const scopedBy =
  <S extends z.ZodType>(schema: S) =>
  (payload: unknown, { claims }: StaffConnection): z.output<S> => {
    if (claims.expiresAt <= Date.now()) throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'the token has expired');
    const { eventId } = parseInput(scopedPayload, payload);
    if (eventId !== claims.eventId) {
      throw new LiveshopError(ErrorCode.FORBIDDEN, `this token is for event ${claims.eventId}, not ${eventId}`);
    }
    return parseInput(schema, payload);
  };

/** Every request `/moderator` answers; `/host` answers these too. */
export const MODERATOR_REQUESTS: RequestTable<ModeratorClientToServerEvents, StaffConnection> = {
  join: {
    parse: scopedBy(joinPayload),
    handle: async ({ eventId }, { ctx, socket }) => {
      await ctx.limits.join(socket.data.shopperId, socket.data.ip);
      return joinEvent(ctx, socket, eventId);
    },
  },

  'chat:send': {
    parse: scopedBy(chatSendPayload),
    handle: (payload, { ctx, socket, role }) =>
      sendChat(
        ctx,
        { id: socket.data.shopperId, ip: socket.data.ip, role, author: DISPLAY_NAMES[role], rooms: socket.rooms },
        payload,
      ),
  },
};

/** Every request `/host` answers. */
export const HOST_REQUESTS: RequestTable<HostClientToServerEvents, StaffConnection> = {
  ...MODERATOR_REQUESTS,

  pin: {
    parse: scopedBy(pinPayload),
    handle: async ({ eventId, skus }, { ctx }) => ({ ok: true, ...(await ctx.events.setPinned(eventId, skus)) }),
  },

  status: {
    parse: scopedBy(statusPayload),
    handle: async ({ eventId, status }, { ctx }) => ({ ok: true, ...(await ctx.events.setStatus(eventId, status)) }),
  },
};
