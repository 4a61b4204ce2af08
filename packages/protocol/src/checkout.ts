import { z } from 'zod';
import { eventIdSchema, holdIdSchema, idempotencyKeySchema, locationIdSchema, MAX_QTY, skuSchema } from './ids.js';

/**
 * Checkout and orders: the `/shop` `checkout` request, the orders it writes, the admin routes
 * over orders, refunds and locations, and the public pickup-locations route.
 */

const text = (what: string, max: number) =>
  z.string().trim().min(1, `${what} is empty`).max(max, `${what} is longer than ${max} characters`);
const optionalText = (what: string, max: number) => text(what, max).optional();

/** Most holds one checkout (or merchant commit) may buy. */
export const MAX_HOLDS_PER_CHECKOUT = 50;

export const customerSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(254, 'email is longer than 254 characters')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email is not an email address'),
  phone: z
    .string()
    .trim()
    .max(32, 'phone is longer than 32 characters')
    .regex(/^\+?[0-9 ().-]{4,}$/, 'phone may hold only digits, spaces, + ( ) . and -')
    .optional(),
  loyaltyId: optionalText('loyaltyId', 64),
  name: optionalText('name', 200),
});
export type Customer = z.infer<typeof customerSchema>;

export const addressSchema = z.strictObject({
  name: text('name', 200),
  line1: text('line1', 200),
  line2: optionalText('line2', 200),
  city: text('city', 100),
  postalCode: text('postalCode', 20),
  /** ISO 3166-1 alpha-2, upper case (`US`, `FR`). */
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166 code such as US'),
});
export type Address = z.infer<typeof addressSchema>;

export const FULFILMENT_TYPES = ['ship', 'pickup'] as const;
export type FulfilmentType = (typeof FULFILMENT_TYPES)[number];

export const fulfilmentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ship'), address: addressSchema }),
  z.strictObject({ type: z.literal('pickup'), locationId: locationIdSchema }),
]);
export type Fulfilment = z.infer<typeof fulfilmentSchema>;
/** The fulfilment of an order from the merchant's own cart: the merchant ships it, Liveshop does not know how. */
export interface ExternalFulfilment {
  type: 'external';
}

/** The payment providers a checkout may name; a server offers those it is configured for. */
export const PAYMENT_PROVIDERS = ['test', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/**
 * How the shopper pays: `test` takes a card number (digits, optionally grouped with single
 * spaces; never stored or logged), `stripe` a PaymentMethod id from Stripe Elements.
 */
export const checkoutPaymentSchema = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('test'),
    card: z
      .string()
      .max(32, 'card is longer than 32 characters')
      .regex(/^[0-9]+( [0-9]+)*$/, 'card may hold only digits, grouped with single spaces'),
  }),
  z.strictObject({
    provider: z.literal('stripe'),
    paymentMethod: z
      .string()
      .max(255, 'paymentMethod is too long')
      .regex(/^pm_[A-Za-z0-9_]+$/, 'paymentMethod is not a Stripe PaymentMethod id'),
  }),
]);
export type CheckoutPayment = z.infer<typeof checkoutPaymentSchema>;

const holdIdsSchema = z
  .array(holdIdSchema)
  .min(1, 'holdIds is empty')
  .max(MAX_HOLDS_PER_CHECKOUT, `at most ${MAX_HOLDS_PER_CHECKOUT} holds per checkout`)
  .refine((ids) => new Set(ids).size === ids.length, 'a hold is listed twice');

/** `/shop` `checkout`: buys the shopper's holds of one event. */
export const checkoutPayload = z.strictObject({
  eventId: eventIdSchema,
  holdIds: holdIdsSchema,
  idempotencyKey: idempotencyKeySchema,
  customer: customerSchema,
  fulfilment: fulfilmentSchema,
  payment: checkoutPaymentSchema,
});
export type CheckoutPayload = z.infer<typeof checkoutPayload>;

/**
 * - `pending`: written before the payment is asked for; the checkout (or the reconciler) settles it;
 * - `confirmed`: the units are sold and the payment authorized (captured right after);
 * - `cancelled`: nothing sold, nothing charged (the payment, if any, voided);
 * - `refunded`: every line refunded (a partial refund keeps the order `confirmed`).
 */
export const ORDER_STATUSES = ['pending', 'confirmed', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Where an order was taken: the `/shop` checkout, or the merchant's own cart (`POST /api/admin/events/:id/commit`). */
export const ORDER_SOURCES = ['shop', 'external'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export interface OrderLine {
  sku: string;
  /** The product's title when the order was taken. */
  title: string;
  qty: number;
  /** The unit price when the order was taken (later catalog changes do not move it). */
  unitPriceCents: number;
  /** Units of this line refunded so far. */
  refundedQty?: number;
}

/** An order as its shopper sees it (the `checkout` ack). Money in integer minor units of `currency`. */
export interface OrderView {
  id: string;
  /** Short number to show the shopper and quote to the merchant (from a sequence). */
  number: number;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  lines: OrderLine[];
  /** A `/shop` order's is always `ship` or `pickup`; `external` only on the merchant's own orders. */
  fulfilment: Fulfilment | ExternalFulfilment;
}

export interface CheckoutAck {
  order: OrderView;
}

/**
 * How a hold ended, as the widget reports it: given back by the shopper, run out, or bought
 * (committed by a checkout; never reported as `released`).
 */
export const HOLD_END_REASONS = ['released', 'expired', 'purchased'] as const;
export type HoldEndReason = (typeof HOLD_END_REASONS)[number];

/** What an order's payment is (never the card number). */
export interface OrderPaymentView {
  provider: PaymentProviderName;
  /** Our key of the payment at the provider. */
  key: string;
  /** The provider's id (`tp_…`, `pi_…`); absent until the provider answered. */
  reference?: string;
  state: 'pending' | 'authorized' | 'captured' | 'refunded' | 'voided' | 'declined' | 'failed';
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  card?: { brand: string; last4: string };
}

export interface RefundView {
  id: string;
  amountCents: number;
  lines: { sku: string; qty: number }[];
  restocked: boolean;
  /** The provider's refund id; absent for an external order (refunded by the merchant elsewhere). */
  reference?: string;
  createdAt: string;
}

/** An order as the admin API shows it. */
export interface AdminOrder extends OrderView {
  eventId: string;
  source: OrderSource;
  /** The merchant's own order reference (`source: 'external'`). */
  orderRef?: string;
  shopperId?: string;
  customer?: Customer;
  payment?: OrderPaymentView;
  refunds: RefundView[];
  refundedCents: number;
  /** Why a cancelled order was cancelled (`hold_expired`, `payment_declined`, …). */
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/admin/events/:id/commit`: holds sold through the merchant's own checkout. */
export const adminCommitBody = z.strictObject({
  holdIds: holdIdsSchema,
  orderRef: z
    .string()
    .min(1, 'orderRef is empty')
    .max(128, 'orderRef is longer than 128 characters')
    .regex(/^[A-Za-z0-9#][A-Za-z0-9#._:/-]*$/, 'orderRef may hold only letters, digits and # . _ : / -'),
  idempotencyKey: idempotencyKeySchema,
});
export type AdminCommitBody = z.infer<typeof adminCommitBody>;

/** `GET /api/admin/orders?eventId=&status=` */
export const listOrdersQuery = z.strictObject({
  eventId: eventIdSchema.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  /** Most orders returned, newest first (default 100). */
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>;

/** `POST /api/admin/orders/:id/refund`: without `lines`, whatever is left of every line. */
export const refundBody = z.strictObject({
  lines: z
    .array(z.strictObject({ sku: skuSchema, qty: z.number().int().min(1).max(MAX_QTY) }))
    .min(1, 'lines is empty')
    .max(200)
    .optional(),
  /** Put the refunded units back on sale (default true). */
  restock: z.boolean().optional(),
});
export type RefundBody = z.infer<typeof refundBody>;

export interface RefundAck {
  order: AdminOrder;
  refund: RefundView;
}

export const locationSchema = z.strictObject({
  id: locationIdSchema,
  name: text('name', 200),
  address: text('address', 500),
  /** Shoppers may pick up orders here. */
  pickup: z.boolean(),
});
export type Location = z.infer<typeof locationSchema>;

/**
 * `PUT /api/admin/locations`: the whole list; its order is the order shipping draws stock from
 * locations. A location left out is removed (refused while an event still has stock there).
 */
export const putLocationsBody = z.strictObject({
  locations: z
    .array(locationSchema)
    .max(200, 'at most 200 locations')
    .refine((list) => new Set(list.map((l) => l.id)).size === list.length, 'a location id is listed twice'),
});
export type PutLocationsBody = z.infer<typeof putLocationsBody>;

/** A pickup location that can still supply a SKU (`GET /api/events/:id/locations?sku=`). */
export interface PickupLocation {
  id: string;
  name: string;
  address: string;
  /** Units of the SKU this location can still supply. */
  available: number;
}
export interface PickupLocationsResponse {
  eventId: string;
  sku: string;
  locations: PickupLocation[];
}
export const pickupLocationsQuery = z.strictObject({ sku: skuSchema });
