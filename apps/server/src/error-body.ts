import { ErrorCode, LiveshopError, type ErrorBody } from '@liveshop/protocol';
import { isUnavailableError } from './redis-availability.js';

/**
 * The wire error for anything thrown while answering a request, over HTTP or a socket: a
 * {@link LiveshopError} keeps its code, a store that cannot be reached is `UNAVAILABLE`, anything
 * else is `INTERNAL` (its details stay in the server's log).
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof LiveshopError) return error.toBody();
  if (isUnavailableError(error)) {
    return { code: ErrorCode.UNAVAILABLE, message: 'the live inventory is unavailable; try again shortly' };
  }
  return { code: ErrorCode.INTERNAL, message: 'internal error' };
}
