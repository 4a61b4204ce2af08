import { z } from 'zod';
import { opaqueId } from '../../values/ids.js';
import { minorUnitDigits } from '../../values/money.js';
import { onHandNumber } from '../../values/quantity.js';
import { rfc3339 } from '../../values/timestamp.js';

/** Counts per delivery, and lines per sale, the generic webhook accepts. */
export const MAX_GENERIC_UPDATES = 1000;
export const MAX_SALE_LINES = 500;

/** When the counts (or the sale) were true: an RFC 3339 string or epoch milliseconds. */
const occurredAt = z.union([rfc3339, z.number().int().min(0).max(8_640_000_000_000_000)]);

const update = z.strictObject({ posItemId: opaqueId, posLocationId: opaqueId, onHand: onHandNumber });

const customer = z.strictObject({
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ().-]{6,39}$/, 'digits, spaces, ( ) . - and a leading +')
    .optional(),
  loyaltyId: z.string().min(1).max(64).optional(),
});

const sale = z.strictObject({
  orderRef: opaqueId,
  totalCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().refine((code) => minorUnitDigits(code) !== undefined, 'an ISO 4217 currency code'),
  customer,
  lines: z
    .array(z.strictObject({ posItemId: opaqueId, qty: z.number().int().min(1).max(100_000) }))
    .max(MAX_SALE_LINES),
});

/**
 * Liveshop's own webhook body, for any POS: either on-hand counts or one sale, never both. Strict:
 * an unknown field is a mistake in the sender's integration and is refused, not ignored.
 */
export const genericBody = z.union([
  z.strictObject({
    deliveryId: opaqueId,
    occurredAt,
    updates: z.array(update).min(1).max(MAX_GENERIC_UPDATES),
  }),
  z.strictObject({ deliveryId: opaqueId, occurredAt, sale }),
]);

export type GenericBody = z.input<typeof genericBody>;
