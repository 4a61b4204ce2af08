import { ErrorCode, type ErrorBody } from '@liveshop/protocol';

/**
 * The one map from the negative codes the Lua scripts return (`{code, detail...}`) to the
 * protocol's {@link ErrorCode}, with the message each is reported with.
 */
const scriptErrors: Record<number, (detail: unknown[]) => ErrorBody> = {
  [-1]: () => ({ code: ErrorCode.NOT_FOUND, message: 'event is not configured for sale' }),
  [-2]: () => ({ code: ErrorCode.NOT_FOUND, message: 'SKU has no allocation in this event' }),
  [-3]: ([status]) => ({ code: ErrorCode.EVENT_NOT_LIVE, message: `event is ${String(status)}, not live` }),
  [-4]: ([available]) => ({
    code: ErrorCode.SOLD_OUT,
    message: Number(available) > 0 ? `only ${String(available)} left` : 'sold out',
  }),
  [-5]: ([limit, owned]) => ({
    code: ErrorCode.LIMIT_EXCEEDED,
    message: `limit is ${String(limit)} per shopper; you already hold or bought ${String(owned)}`,
  }),
  [-6]: () => ({
    code: ErrorCode.IDEMPOTENCY_CONFLICT,
    message: 'idempotency key was already used with different parameters',
  }),
  [-7]: ([holdId]) => ({
    code: ErrorCode.HOLD_NOT_FOUND,
    message: holdId ? `hold ${String(holdId)} not found` : 'hold not found',
  }),
  [-8]: ([holdId]) => ({
    code: ErrorCode.HOLD_EXPIRED,
    message: holdId ? `hold ${String(holdId)} has expired` : 'hold has expired',
  }),
  [-9]: () => ({ code: ErrorCode.FORBIDDEN, message: 'hold belongs to another shopper' }),
  [-10]: ([held, sold]) => ({
    code: ErrorCode.ALLOCATION_BELOW_COMMITTED,
    message: `allocation cannot go below held + sold (${String(held)} held, ${String(sold)} sold)`,
  }),
  [-12]: ([holdId, locationId]) => ({
    code: ErrorCode.NOT_AVAILABLE_AT_LOCATION,
    message: `location ${String(locationId)} cannot supply hold ${String(holdId)}`,
  }),
  [-13]: ([sku]) => ({ code: ErrorCode.CONFLICT, message: `sku ${String(sku)} has fewer units sold than refunded` }),
  [-14]: ([sold]) => ({
    code: ErrorCode.ALLOCATION_BELOW_COMMITTED,
    message: `a location's units cannot go below the ${String(sold)} sold there`,
  }),
  [-11]: ([maxQty]) => ({
    code: ErrorCode.LIMIT_EXCEEDED,
    message: `at most ${String(maxQty)} units per reserve`,
  }),
  [-15]: () => ({ code: ErrorCode.BANNED, message: 'you are banned from this event' }),
  [-16]: ([startsAt]) => ({
    code: ErrorCode.NOT_ON_SALE,
    message: `on sale from ${new Date(Number(startsAt)).toISOString()}`,
  }),
};

/** Turns a script's error reply (`[code, ...detail]`, code < 0) into an error body. */
export function scriptError(reply: unknown[]): ErrorBody {
  const make = scriptErrors[Number(reply[0])];
  if (make) return make(reply.slice(1));
  return { code: ErrorCode.INTERNAL, message: `unexpected inventory script reply ${String(reply[0])}` };
}
