import { z } from 'zod';
import { eventIdSchema, shopperIdSchema, skuSchema } from './ids.js';

/** The anomaly detector's rules; the ids are part of the public contract. */
export const ANOMALY_RULES = [
  'oversell_risk',
  'pos_negative_on_hand',
  'webhook_bad_signature',
  'webhook_flood',
  'pos_sync_failed',
  'pos_sync_lag',
  'reserve_burst_actor',
  'mass_hold_expiry',
  'allocation_clamped',
  'sold_out',
] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export const ANOMALY_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** One anomaly as moderators see it (pushed as `anomaly`, listed in the `/moderator` join ack). */
export interface Anomaly {
  id: string;
  eventId: string;
  rule: AnomalyRule;
  severity: AnomalySeverity;
  sku?: string;
  /** One sentence saying what happened and what the threshold was. */
  message: string;
  /** Epoch milliseconds. */
  at: number;
  /** Set once a moderator acknowledged it: when (epoch ms) and who (the token id). */
  ackedAt?: number;
  ackedBy?: string;
}

/** Most minutes one mute may last (a week). */
export const MAX_MUTE_MINUTES = 7 * 24 * 60;
/** Latest a drop may start: 30 days ahead. */
export const MAX_DROP_LEAD_MS = 30 * 24 * 3600 * 1000;

const messageIdSchema = z
  .string()
  .min(1, 'messageId is empty')
  .max(64, 'messageId is longer than 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'messageId is not a message id');
const anomalyIdSchema = z
  .string()
  .min(1, 'id is empty')
  .max(64, 'id is longer than 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'id is not an anomaly id');

/**
 * `/host` `drop`: the SKU goes on sale at `startsAt` (epoch ms, server clock); reserves before it
 * are `NOT_ON_SALE`. A `startsAt` in the past opens the SKU now.
 */
export const dropPayload = z.strictObject({
  eventId: eventIdSchema,
  sku: skuSchema,
  startsAt: z.number().int('startsAt must be epoch milliseconds').min(0).max(Number.MAX_SAFE_INTEGER),
});
export const figuresPayload = z.strictObject({ eventId: eventIdSchema });
export const chatDeletePayload = z.strictObject({ eventId: eventIdSchema, messageId: messageIdSchema });
export const mutePayload = z.strictObject({
  eventId: eventIdSchema,
  shopperId: shopperIdSchema,
  minutes: z
    .number()
    .int('minutes must be a whole number')
    .min(1, 'minutes must be at least 1')
    .max(MAX_MUTE_MINUTES, `minutes must be at most ${MAX_MUTE_MINUTES}`),
});
export const banPayload = z.strictObject({ eventId: eventIdSchema, shopperId: shopperIdSchema });
export const anomalyAckPayload = z.strictObject({ eventId: eventIdSchema, id: anomalyIdSchema });
export const posDriftPayload = z.strictObject({ eventId: eventIdSchema });

export type DropPayload = z.infer<typeof dropPayload>;
export type FiguresPayload = z.infer<typeof figuresPayload>;
export type ChatDeletePayload = z.infer<typeof chatDeletePayload>;
export type MutePayload = z.infer<typeof mutePayload>;
export type BanPayload = z.infer<typeof banPayload>;
export type AnomalyAckPayload = z.infer<typeof anomalyAckPayload>;
export type PosDriftPayload = z.infer<typeof posDriftPayload>;

/** Server → every viewer: a SKU goes on sale at `startsAt` (epoch ms, server clock). */
export interface DropMessage {
  eventId: string;
  sku: string;
  startsAt: number;
}
/** Server → every viewer: a moderator removed a chat message. */
export interface ChatDeletedMessage {
  eventId: string;
  messageId: string;
}

/** One product's live counts as a host sees them. */
export interface ProductFigures {
  sku: string;
  title: string;
  allocated: number;
  available: number;
  held: number;
  sold: number;
  /** When the product goes on sale (a drop), epoch ms; absent when it is on sale. */
  onSaleAt?: number;
}

/**
 * `/host` `figures`: the event's live figures, across every server process. `orders` and
 * `revenueCents` count confirmed orders (and refunded ones, net of their refunds).
 */
export interface EventFigures {
  eventId: string;
  /** Epoch ms when the figures were read. */
  at: number;
  /** Viewers connected to `/shop` in the event's room, summed over processes. */
  viewers: number;
  /** Units held now, and sold, over every product. */
  heldUnits: number;
  soldUnits: number;
  orders: number;
  revenueCents: number;
  currency?: string;
  products: ProductFigures[];
  /** Units sold per minute over the last 30 minutes, oldest first (`minute`: epoch ms of its start). */
  salesPerMinute: { minute: number; units: number }[];
}

/** A moderation decision, pushed to `/moderator` and `/host` so every console shows it. */
export interface ModerationNotice {
  eventId: string;
  action: 'mute' | 'ban' | 'delete';
  shopperId?: string;
  messageId?: string;
  /** For a mute: epoch ms when it ends. */
  until?: number;
  /** The token id of the moderator who acted. */
  by: string;
  at: number;
}

/** Who is muted or banned in an event, as the `/moderator` join ack carries it. */
export interface ModerationState {
  muted: { shopperId: string; until: number }[];
  banned: string[];
}
