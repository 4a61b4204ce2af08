import createDebug from 'debug';
import { ErrorCode, LiveshopError, type Ack, type ErrorBody } from '@liveshop/protocol';
import type { ExtendedError } from 'socket.io';
import { toErrorBody } from '../http/error-handler.js';

const debug = createDebug('liveshop:socket');

/** A socket request handler: gets the raw payload, resolves the ack (or throws a LiveshopError). */
export type RequestHandler = (payload: unknown) => Promise<Ack> | Ack;

/** Anything a socket.io listener can be registered on. */
interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Registers `handler` for `event` so that it can never throw into socket.io: the payload is the
 * first argument (absent when the client sent only an ack), the ack the last one when it is a
 * function, and every failure becomes `{ ok: false, error }`. Without an ack the result is dropped.
 */
export function onRequest(socket: Listenable, event: string, handler: RequestHandler): void {
  socket.on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (response: Ack) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    let pending: Promise<Ack> | Ack;
    try {
      pending = handler(payload);
    } catch (error) {
      pending = { ok: false, error: failure(event, error) };
    }
    if (pending instanceof Promise) {
      pending.then(
        (response) => ack?.(response),
        (error: unknown) => ack?.({ ok: false, error: failure(event, error) }),
      );
    } else {
      ack?.(pending);
    }
  });
}

/**
 * Refuses events a namespace does not handle, with a typed ack when the client asked for one:
 * `refusal`'s error for an event it knows (another namespace's), `INVALID_INPUT` for any other.
 * socket.io passes event names as the client sent them, so a name may be a number: it is
 * checked as a value of any type, never used as a string before being turned into one.
 */
export function refuseUnknownEvents(
  socket: { onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown },
  handled: ReadonlySet<string>,
  refusal: (event: string) => ErrorBody | undefined,
): void {
  socket.onAny((event, ...args) => {
    if (typeof event === 'string' && handled.has(event)) return;
    const last = args[args.length - 1];
    if (typeof last !== 'function') return;
    const name = String(event);
    const error = (typeof event === 'string' ? refusal(event) : undefined) ?? {
      code: ErrorCode.INVALID_INPUT,
      message: `unknown event ${JSON.stringify(name.slice(0, 40))}`,
    };
    (last as (response: Ack) => void)({ ok: false, error });
  });
}

/**
 * A connection middleware's refusal, which the client sees as `connect_error` with `data: { code,
 * message }`: a {@link LiveshopError}'s, or `fallback` for anything else.
 */
export function connectRefusal(
  error: unknown,
  fallback: ErrorBody = { code: ErrorCode.INTERNAL, message: 'internal error' },
): ExtendedError {
  const body = error instanceof LiveshopError ? error.toBody() : fallback;
  const refusal = new Error(body.message) as ExtendedError;
  refusal.data = body;
  return refusal;
}

function failure(event: string, error: unknown): ErrorBody {
  const body = toErrorBody(error);
  if (body.code === ErrorCode.INTERNAL) console.error(`liveshop: socket ${event} failed`, error);
  else debug('%s refused: %s %s', event, body.code, body.message);
  return body;
}
