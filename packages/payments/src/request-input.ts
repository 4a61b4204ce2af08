import { rejected, type Rejected } from './outcome.js';

/** Stripe's ceiling for one charge in most currencies; also keeps every amount a 32-bit integer. */
export const MAX_AMOUNT_CENTS = 99_999_999;

/**
 * Our keys become parts of provider idempotency keys (`<key>:authorize`, Stripe allows 255
 * characters) and of search queries, so they are short and plain.
 */
export const MAX_KEY_LENGTH = 100;
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** `undefined` when `value` is a usable key, else why not. */
export function checkKey(what: string, value: unknown): Rejected | undefined {
  if (typeof value !== 'string' || value.length === 0) return rejected('INVALID_INPUT', `${what} is missing`);
  if (value.length > MAX_KEY_LENGTH) {
    return rejected('INVALID_INPUT', `${what} is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!KEY_PATTERN.test(value)) return rejected('INVALID_INPUT', `${what} may hold only letters, digits and . _ : -`);
  return undefined;
}

export function checkAmount(what: string, value: unknown): Rejected | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return rejected('INVALID_INPUT', `${what} must be a whole number of minor units`);
  }
  if (value < 1) return rejected('INVALID_INPUT', `${what} must be at least 1`);
  if (value > MAX_AMOUNT_CENTS) return rejected('INVALID_INPUT', `${what} must be at most ${MAX_AMOUNT_CENTS}`);
  return undefined;
}

export function checkCurrency(value: unknown): Rejected | undefined {
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) {
    return rejected('INVALID_INPUT', 'currency must be an ISO 4217 code such as USD');
  }
  return undefined;
}

/** The first problem among the checks, if any. */
export const firstProblem = (...checks: (Rejected | undefined)[]): Rejected | undefined =>
  checks.find((check) => check !== undefined);

/** Callers in plain JavaScript may pass anything; a request that is not an object is refused first. */
export const notAnObject = (request: unknown): Rejected | undefined =>
  typeof request === 'object' && request !== null ? undefined : rejected('INVALID_INPUT', 'request must be an object');

/** The checks every provider makes on an authorization before its own (the payment method). */
export function checkAuthorization(request: {
  key: unknown;
  amountCents: unknown;
  currency: unknown;
}): Rejected | undefined {
  return (
    notAnObject(request) ??
    firstProblem(
      checkKey('key', request.key),
      checkAmount('amountCents', request.amountCents),
      checkCurrency(request.currency),
    )
  );
}
