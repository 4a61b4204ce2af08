import { z } from 'zod';
import type { EventSnapshot, EventStatus, LiveEvent, ProductView } from './catalog.js';
import { EVENT_STATUSES } from './catalog.js';
import type { CheckoutAck, CheckoutPayload } from './checkout.js';
import type {
  Anomaly,
  AnomalyAckPayload,
  BanPayload,
  ChatDeletePayload,
  ChatDeletedMessage,
  DropMessage,
  DropPayload,
  EventFigures,
  FiguresPayload,
  ModerationNotice,
  ModerationState,
  MutePayload,
  PosDriftPayload,
} from './consoles.js';
import type { ErrorBody } from './errors.js';
import type { AnalyticsPayload, AnalyticsSeries, EventAnalytics } from './reports.js';
import type { PosDriftReport } from './pos.js';
import { eventIdSchema, holdIdSchema, idempotencyKeySchema, qtySchema, skuSchema } from './ids.js';

/** Every ack is either `{ ok: true, ...data }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckFn<T extends object = object> = (response: Ack<T>) => void;

export const NAMESPACES = { shop: '/shop', host: '/host', moderator: '/moderator' } as const;

/** `auth` of a `/shop` connection: the session token the server issued earlier, if any. */
export interface ShopAuth {
  session?: string;
}
/** `auth` of a `/host` or `/moderator` connection. */
export interface StaffAuth {
  token: string;
}

export const joinPayload = z.strictObject({ eventId: eventIdSchema });
/**
 * A `/shop` join. `optOut: true` when the viewer opted out of analytics (the widget's
 * `analytics="off"` or its consent hook): the visit is counted, but no shopper id is stored with it
 * and the widget sends no beacons.
 */
export const shopJoinPayload = joinPayload.extend({ optOut: z.boolean().optional() });
export const reservePayload = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  qty: qtySchema,
  idempotencyKey: idempotencyKeySchema,
});
export const releasePayload = z.strictObject({
  holdId: holdIdSchema,
  idempotencyKey: idempotencyKeySchema.optional(),
  /** The hold's event; may be left out when the connection has joined exactly one event. */
  eventId: eventIdSchema.optional(),
});
export const CHAT_MAX_LENGTH = 500;
export const chatSendPayload = z.strictObject({
  eventId: eventIdSchema,
  text: z
    .string()
    .trim()
    .min(1, 'message is empty')
    .max(CHAT_MAX_LENGTH, `message is longer than ${CHAT_MAX_LENGTH} characters`),
});
export const pinPayload = z.strictObject({
  eventId: eventIdSchema,
  skus: z.array(skuSchema).max(3, 'at most 3 pinned products'),
});
export const statusPayload = z.strictObject({ eventId: eventIdSchema, status: z.enum(EVENT_STATUSES) });

export type JoinPayload = z.infer<typeof joinPayload>;
export type ShopJoinPayload = z.infer<typeof shopJoinPayload>;
export type ReservePayload = z.infer<typeof reservePayload>;
export type ReleasePayload = z.infer<typeof releasePayload>;
export type ChatSendPayload = z.infer<typeof chatSendPayload>;
export type PinPayload = z.infer<typeof pinPayload>;
export type StatusPayload = z.infer<typeof statusPayload>;

export interface StockItem {
  sku: string;
  available: number;
  version: number;
  /**
   * The event's stock generation; a higher one replaces whatever version a client holds. The
   * server always sends it; a client reading an older server takes its absence as 0.
   */
  generation?: number;
}
export interface StockMessage {
  eventId: string;
  items: StockItem[];
}
export interface PinnedMessage {
  eventId: string;
  skus: string[];
}
export interface ChatMessage {
  id: string;
  eventId: string;
  author: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  role: 'shopper' | 'host' | 'moderator';
  /**
   * The author's shopper id, for moderating (mute, ban): sent on `/host` and `/moderator` only,
   * never to viewers.
   */
  shopperId?: string;
}
export interface HoldView {
  id: string;
  sku: string;
  qty: number;
  expiresAt: number;
}

export interface JoinAck extends EventSnapshot {
  products: ProductView[];
  event: LiveEvent;
  /** The most recent chat messages, oldest first. */
  chat: ChatMessage[];
  /** Server clock (epoch ms) when the snapshot was taken, to correct countdowns for clock skew. */
  serverTime: number;
  /**
   * On `/shop`: the shopper's holds in this event that have not expired at `serverTime`, so a page
   * reload (or a second tab) shows them again. Absent on `/host` and `/moderator`.
   */
  holds?: HoldView[];
}
/** `/moderator` join: the snapshot plus the recent anomalies (newest first) and who is muted or banned. */
export interface ModeratorJoinAck extends JoinAck {
  anomalies: Anomaly[];
  moderation: ModerationState;
}
export interface ReserveAck {
  hold: HoldView;
  available: number;
  /** The SKU's version after the reserve, comparable with `stock` pushes. */
  version?: number;
  /** The event's stock generation the version belongs to. */
  generation?: number;
}
export interface ReleaseAck {
  holdId: string;
  available: number;
  /** The SKU's version after the release, comparable with `stock` pushes. */
  version?: number;
  /** The event's stock generation the version belongs to. */
  generation?: number;
}

/** `/shop`: client → server. */
export interface ShopClientToServerEvents {
  join: (payload: ShopJoinPayload, ack: AckFn<JoinAck>) => void;
  leave: (payload: JoinPayload, ack?: AckFn) => void;
  reserve: (payload: ReservePayload, ack: AckFn<ReserveAck>) => void;
  release: (payload: ReleasePayload, ack: AckFn<ReleaseAck>) => void;
  'chat:send': (payload: ChatSendPayload, ack: AckFn<{ message: ChatMessage }>) => void;
  /**
   * Buys the connection's shopper's holds of one event (see `checkoutPayload`). Errors:
   * `PAYMENT_DECLINED` (with `reason`), `PAYMENT_FAILED`, `HOLD_EXPIRED`, `HOLD_NOT_FOUND` (also a
   * hold of another shopper), `NOT_AVAILABLE_AT_LOCATION`, `IDEMPOTENCY_CONFLICT`, `INVALID_INPUT`.
   * The same `idempotencyKey` again answers the same order.
   */
  checkout: (payload: CheckoutPayload, ack: AckFn<CheckoutAck>) => void;
}
/** `/shop`: server → client. */
export interface ShopServerToClientEvents {
  /** Sent once per connection: the signed session to pass as `auth.session` next time. */
  session: (payload: { session: string; shopperId: string }) => void;
  stock: (payload: StockMessage) => void;
  pinned: (payload: PinnedMessage) => void;
  status: (payload: { eventId: string; status: EventStatus }) => void;
  chat: (payload: ChatMessage) => void;
  /** A moderator deleted a chat message: remove it. */
  'chat:deleted': (payload: ChatDeletedMessage) => void;
  /** A host scheduled a drop: the SKU goes on sale at `startsAt` (server clock). */
  drop: (payload: DropMessage) => void;
}

/** `/host`: client → server (a host token is scoped to one event). */
export interface HostClientToServerEvents {
  join: (payload: JoinPayload, ack: AckFn<JoinAck>) => void;
  pin: (payload: PinPayload, ack: AckFn<{ skus: string[] }>) => void;
  status: (payload: StatusPayload, ack: AckFn<{ status: EventStatus }>) => void;
  drop: (payload: DropPayload, ack: AckFn<{ drop: DropMessage }>) => void;
  figures: (payload: FiguresPayload, ack: AckFn<{ figures: EventFigures }>) => void;
  /** The event's analytics (as the admin API answers them) and the series of the host's reports. */
  analytics: (payload: AnalyticsPayload, ack: AckFn<{ analytics: EventAnalytics; series: AnalyticsSeries }>) => void;
  'chat:send': (payload: ChatSendPayload, ack: AckFn<{ message: ChatMessage }>) => void;
}
/** `/host` and `/moderator`: server → client, the viewers' messages plus the staff's own. */
export interface StaffServerToClientEvents extends ShopServerToClientEvents {
  /** `/host`: the event's live figures, every few seconds while a host watches. */
  figures: (payload: EventFigures) => void;
  /** `/moderator`: the detector raised an anomaly. */
  anomaly: (payload: Anomaly) => void;
  /** `/moderator`: a moderator acknowledged an anomaly. */
  'anomaly:acked': (payload: { eventId: string; id: string; ackedAt: number; ackedBy: string }) => void;
  /** `/moderator` and `/host`: a moderator muted, banned or deleted. */
  moderation: (payload: ModerationNotice) => void;
  /** `/moderator`: a reconciliation with the POS (asked for, or scheduled) ran; the drift after it. */
  'pos:drift': (payload: PosDriftReport) => void;
}
export type HostServerToClientEvents = StaffServerToClientEvents;

/** `/moderator`: client → server (a moderator token is scoped to one event). */
export interface ModeratorClientToServerEvents {
  join: (payload: JoinPayload, ack: AckFn<ModeratorJoinAck>) => void;
  'chat:send': (payload: ChatSendPayload, ack: AckFn<{ message: ChatMessage }>) => void;
  'chat:delete': (payload: ChatDeletePayload, ack: AckFn<{ messageId: string }>) => void;
  mute: (payload: MutePayload, ack: AckFn<{ shopperId: string; until: number }>) => void;
  ban: (payload: BanPayload, ack: AckFn<{ shopperId: string }>) => void;
  'anomaly:ack': (payload: AnomalyAckPayload, ack: AckFn<{ id: string; ackedAt: number; ackedBy: string }>) => void;
  /** The event's POS drift now, per SKU and location. */
  'pos:drift': (payload: PosDriftPayload, ack: AckFn<{ drift: PosDriftReport }>) => void;
}
export type ModeratorServerToClientEvents = StaffServerToClientEvents;

/**
 * Messages between server processes (socket.io `serverSideEmit`): none. Broadcasts reach every
 * process through the Redis adapter, and stock through each process's ledger reader.
 */
export type InterServerEvents = Record<never, never>;

/** Per-socket state the server keeps. */
export interface SocketData {
  role: 'shopper' | 'host' | 'moderator';
  shopperId: string;
  /** For host and moderator: the one event the token allows. */
  eventId?: string;
  ip: string;
}
