import { z } from 'zod';
import { eventIdSchema, locationIdSchema, MAX_HOLD_TTL_SECONDS, MAX_QTY, skuSchema } from './ids.js';
import { inventoryModeSchema } from './pos.js';

export const EVENT_STATUSES = ['scheduled', 'live', 'ended'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

const text = (what: string, max: number) =>
  z.string().trim().min(1, `${what} is empty`).max(max, `${what} is longer than ${max} characters`);
const httpUrl = z
  .string()
  .max(2048, 'url is too long')
  .refine((value) => /^(https?:\/\/|\/)/.test(value), 'must be an http(s) URL or a path starting with /');

export const productInput = z.strictObject({
  sku: skuSchema,
  title: text('title', 200),
  priceCents: z.number().int('priceCents must be a whole number').min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD'),
  imageUrl: httpUrl.optional(),
  description: z.string().max(2000).optional(),
  /**
   * Most units one shopper may hold or buy of this SKU in this event; 0 means no limit. Absent:
   * the event's `defaultLimitPerShopper`.
   */
  limitPerShopper: z.number().int().min(0).max(MAX_QTY).optional(),
});
export type ProductInput = z.input<typeof productInput>;
/** A product as stored and shown: its per-shopper limit resolved (0 = none). */
export type Product = z.output<typeof productInput> & { limitPerShopper: number };

/** Defaults of a new event, each changeable in `POST /api/admin/events`. */
export const EVENT_DEFAULTS = {
  holdTtlSeconds: 300,
  maxQtyPerReserve: 10,
  defaultLimitPerShopper: 5,
} as const;
/** The highest `maxQtyPerReserve` an event may set. */
export const MAX_QTY_PER_RESERVE = 1_000;

export const createEventBody = z.strictObject({
  id: eventIdSchema,
  title: text('title', 200),
  streamUrl: httpUrl.optional(),
  posterUrl: httpUrl.optional(),
  holdTtlSeconds: z
    .number()
    .int()
    .min(30, 'holdTtlSeconds must be at least 30')
    .max(MAX_HOLD_TTL_SECONDS, `holdTtlSeconds must be at most ${MAX_HOLD_TTL_SECONDS}`)
    .default(EVENT_DEFAULTS.holdTtlSeconds),
  /** Most units one reserve may take. */
  maxQtyPerReserve: z
    .number()
    .int()
    .min(1)
    .max(MAX_QTY_PER_RESERVE, `maxQtyPerReserve must be at most ${MAX_QTY_PER_RESERVE}`)
    .default(EVENT_DEFAULTS.maxQtyPerReserve),
  /** Per-shopper limit of every product that does not set its own; 0 means no limit. */
  defaultLimitPerShopper: z.number().int().min(0).max(MAX_QTY).default(EVENT_DEFAULTS.defaultLimitPerShopper),
  status: z.enum(EVENT_STATUSES).default('scheduled'),
  products: z.array(productInput).max(200, 'at most 200 products per event').default([]),
  /** Where live stock comes from: set by the admin (`manual`), or following the POS (see `InventoryMode`). */
  inventory: inventoryModeSchema.default({ mode: 'manual' }),
});
export type CreateEventBody = z.input<typeof createEventBody>;

export interface LiveEvent {
  id: string;
  title: string;
  streamUrl?: string;
  posterUrl?: string;
  holdTtlSeconds: number;
  /** Most units one reserve may take (the server always sends it). */
  maxQtyPerReserve?: number;
  status: EventStatus;
}

/** A product as a viewer sees it: catalog fields plus live stock. */
export interface ProductView extends Product {
  available: number;
  version: number;
  /** The event's stock generation (see `SkuStock.generation`); always sent, absent taken as 0. */
  generation?: number;
  /** A drop: the product goes on sale at this time (epoch ms, server clock); absent when on sale. */
  onSaleAt?: number;
}

export const setStockBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        sku: skuSchema,
        quantity: z.number().int().min(0).max(MAX_QTY),
        /**
         * The location these units are at (`PUT /api/admin/locations`). Absent: the event's own
         * pool, with no location. A SKU's allocation is the sum over its locations and pool.
         */
        locationId: locationIdSchema.optional(),
      }),
    )
    .min(1, 'items is empty')
    .max(200, 'at most 200 items')
    .refine(
      (items) => new Set(items.map((i) => `${i.sku}|${i.locationId ?? ''}`)).size === items.length,
      'a sku and location are listed twice',
    ),
});
export type SetStockBody = z.infer<typeof setStockBody>;

export const setStatusBody = z.strictObject({ status: z.enum(['live', 'ended']) });

export const issueTokenBody = z.strictObject({
  role: z.enum(['host', 'moderator']),
  eventId: eventIdSchema,
  /** Lifetime in seconds; default 12 h. */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .optional(),
});
/** What `POST /api/admin/tokens` answers: the token, its id (for `DELETE /api/admin/tokens/:id`) and claims. */
export interface IssuedToken {
  token: string;
  id: string;
  role: 'host' | 'moderator';
  eventId: string;
  /** Epoch ms. */
  expiresAt: number;
}
export type StaffRole = z.infer<typeof issueTokenBody>['role'];

/** `GET /api/events/:id` */
export interface EventSnapshot {
  event: LiveEvent;
  products: ProductView[];
  pinned: string[];
}
