import {
  ErrorCode,
  LiveshopError,
  analyticsPayload,
  anomalyAckPayload,
  banPayload,
  chatDeletePayload,
  chatSendPayload,
  dropPayload,
  eventIdSchema,
  figuresPayload,
  joinPayload,
  mutePayload,
  parseInput,
  pinPayload,
  posDriftPayload,
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

const chatSend = {
  parse: scopedBy(chatSendPayload),
  handle: (payload: z.output<typeof chatSendPayload>, { ctx, socket, role }: StaffConnection) =>
    sendChat(
      ctx,
      { id: socket.data.shopperId, ip: socket.data.ip, role, author: DISPLAY_NAMES[role], rooms: socket.rooms },
      payload,
    ),
};

/** Every request `/moderator` answers: chat moderation, the anomaly feed and the POS drift. */
export const MODERATOR_REQUESTS: RequestTable<ModeratorClientToServerEvents, StaffConnection> = {
  join: {
    parse: scopedBy(joinPayload),
    handle: async ({ eventId }, { ctx, socket }) => {
      await ctx.limits.join(socket.data.shopperId, socket.data.ip);
      const joined = await joinEvent(ctx, socket, eventId);
      if (!joined.ok) return joined;
      const [anomalies, moderation] = await Promise.all([ctx.anomalies.recent(eventId), ctx.moderation.state(eventId)]);
      return { ...joined, anomalies, moderation };
    },
  },

  'chat:send': chatSend,

  'chat:delete': {
    parse: scopedBy(chatDeletePayload),
    handle: async ({ eventId, messageId }, { ctx, claims }) => {
      await ctx.moderation.deleteMessage(eventId, messageId, claims.id);
      return { ok: true, messageId };
    },
  },

  mute: {
    parse: scopedBy(mutePayload),
    handle: async ({ eventId, shopperId, minutes }, { ctx, claims }) => {
      const { until } = await ctx.moderation.mute(eventId, shopperId, minutes, claims.id);
      return { ok: true, shopperId, until };
    },
  },

  ban: {
    parse: scopedBy(banPayload),
    handle: async ({ eventId, shopperId }, { ctx, claims }) => {
      await ctx.moderation.ban(eventId, shopperId, claims.id);
      return { ok: true, shopperId };
    },
  },

  'anomaly:ack': {
    parse: scopedBy(anomalyAckPayload),
    handle: async ({ eventId, id }, { ctx, claims }) => {
      const acked = await ctx.anomalies.ack(eventId, id, claims.id);
      ctx.rooms.emitStaff('moderator', eventId, 'anomaly:acked', { eventId, ...acked });
      return { ok: true, ...acked };
    },
  },

  'pos:drift': {
    parse: scopedBy(posDriftPayload),
    handle: async ({ eventId }, { ctx }) => ({ ok: true, drift: await ctx.posDrift.report(eventId) }),
  },
};

/** Every request `/host` answers: the show, its products and its figures. */
export const HOST_REQUESTS: RequestTable<HostClientToServerEvents, StaffConnection> = {
  join: {
    parse: scopedBy(joinPayload),
    handle: async ({ eventId }, { ctx, socket }) => {
      await ctx.limits.join(socket.data.shopperId, socket.data.ip);
      return joinEvent(ctx, socket, eventId);
    },
  },

  'chat:send': chatSend,

  pin: {
    parse: scopedBy(pinPayload),
    handle: async ({ eventId, skus }, { ctx }) => ({ ok: true, ...(await ctx.events.setPinned(eventId, skus)) }),
  },

  status: {
    parse: scopedBy(statusPayload),
    handle: async ({ eventId, status }, { ctx }) => ({ ok: true, ...(await ctx.events.setStatus(eventId, status)) }),
  },

  drop: {
    parse: scopedBy(dropPayload),
    handle: async ({ eventId, sku, startsAt }, { ctx, claims }) => {
      const drop = await ctx.events.setDrop(eventId, sku, startsAt, claims.id);
      return { ok: true, drop: { eventId, ...drop } };
    },
  },

  figures: {
    parse: scopedBy(figuresPayload),
    handle: async ({ eventId }, { ctx }) => ({ ok: true, figures: await ctx.figures.figures(eventId) }),
  },

  analytics: {
    parse: scopedBy(analyticsPayload),
    handle: async ({ eventId }, { ctx }) => {
      const analytics = await ctx.reports.analytics(eventId);
      return { ok: true, analytics, series: await ctx.reports.series(eventId, analytics) };
    },
  },
};
