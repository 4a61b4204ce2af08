import { z } from 'zod';

/** Upper bound on units in one reserve or allocation: large enough for any drop, small enough for Lua doubles. */
export const MAX_QTY = 1_000_000;
/** Longest hold an event may give (30 minutes): long enough to check out, short enough not to hoard. */
export const MAX_HOLD_TTL_SECONDS = 1_800;

/** What a token (SKU, idempotency key, order id, …) may hold: letters, digits and `. _ : -`. */
const TOKEN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** What an event id may hold: letters, digits, `_` and `-`. */
const EVENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const EVENT_ID_MAX = 64;
const SKU_MAX = 64;
const IDEMPOTENCY_KEY_MAX = 128;

const token = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .regex(TOKEN_PATTERN, `${what} may hold only letters, digits and . _ : -`);

/** Event id: also the hash tag of every Redis key of the event. */
export const eventIdSchema = z
  .string()
  .min(1, 'eventId is empty')
  .max(EVENT_ID_MAX, `eventId is longer than ${EVENT_ID_MAX} characters`)
  .regex(EVENT_ID_PATTERN, 'eventId may hold only letters, digits, _ and -');
/** SKU: `~` and `{}` are excluded so it can sit inside key names and hold ids. */
export const skuSchema = token('sku', SKU_MAX);
export const holdIdSchema = z
  .string()
  .min(1, 'holdId is empty')
  .max(160, 'holdId is too long')
  .regex(/^h[0-9a-z]+~[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'holdId is not a hold id');
export const idempotencyKeySchema = token('idempotencyKey', IDEMPOTENCY_KEY_MAX);
export const orderIdSchema = token('orderId', 64);
/** A store or warehouse id (`PUT /api/admin/locations`). */
export const locationIdSchema = token('locationId', 64);
export const shopperIdSchema = token('shopperId', 64);
export const qtySchema = z
  .number({ error: 'qty must be a number' })
  .int('qty must be a whole number')
  .min(1, 'qty must be at least 1')
  .max(MAX_QTY, `qty must be at most ${MAX_QTY}`);
/** Allocation may be 0 (withdraw all unsold stock). */
export const unitsSchema = z
  .number({ error: 'quantity must be a number' })
  .int('quantity must be a whole number')
  .min(0, 'quantity must not be negative')
  .max(MAX_QTY, `quantity must be at most ${MAX_QTY}`);

