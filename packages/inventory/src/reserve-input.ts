import { MAX_QTY, type ReserveInput } from '@liveshop/protocol';

/** The protocol's token alphabet (`ids.ts`): SKU, shopper id and idempotency key. */
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const token = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max && TOKEN.test(value);

/**
 * The hot path's check of a reserve input: accepts only what the protocol's `reserveInput` schema
 * accepts (a plain object with exactly its five fields, each within the schema's bounds) and
 * returns its values, each read once. Anything else returns null, and the caller runs the schema
 * itself, which either accepts it too or produces the typed error with its message. The schema
 * stays the contract; this is a faster way to say yes to the common, valid case.
 */
export function acceptReserveInput(input: unknown): ReserveInput | null {
  if (typeof input !== 'object' || input === null || Object.getPrototypeOf(input) !== Object.prototype) return null;
  let fields = 0;
  for (const key in input) {
    if (!Object.hasOwn(input, key)) return null;
    fields += 1;
  }
  if (fields !== 5) return null;
  const { eventId, sku, qty, shopperId, idempotencyKey } = input as Record<string, unknown>;
  if (
    typeof eventId !== 'string' ||
    eventId.length < 1 ||
    eventId.length > 64 ||
    !EVENT_ID.test(eventId) ||
    !token(sku, 64) ||
    typeof qty !== 'number' ||
    !Number.isInteger(qty) ||
    qty < 1 ||
    qty > MAX_QTY ||
    !token(shopperId, 64) ||
    !token(idempotencyKey, 128)
  ) {
    return null;
  }
  return { eventId, sku, qty, shopperId, idempotencyKey };
}
