import createDebug from 'debug';
import { ErrorCode, LiveshopError, type Ack, type ErrorBody } from '@liveshop/protocol';
import type { ExtendedError } from 'socket.io';
import { toErrorBody } from '../error-body.js';

const debug = createDebug('liveshop:socket');

/** A namespace's client → server event map, as `@liveshop/protocol` declares it: a payload, then an ack. */
type RequestMap<M> = { [E in keyof M]: (payload: never, ack: never) => void };

/** The payload of a request, from its listener type in the event map. */
export type PayloadOf<F> = F extends (payload: infer P, ack: never) => void ? P : never;
/** What a request is answered with, from its listener type in the event map. */
export type AckOf<F> = F extends (payload: never, ack: infer A) => void
  ? NonNullable<A> extends (response: infer R) => void
    ? R
    : never
  : never;

/**
 * How one request is answered. `parse` checks the raw payload at run time (a client may send
 * anything) and throws `INVALID_INPUT` (or another refusal) when it is not the protocol's; `handle`
 * then answers the checked payload, or throws a {@link LiveshopError}.
 */
export interface Request<P, A, C> {
  parse(payload: unknown, connection: C): P;
  handle(payload: P, connection: C): Promise<A> | A;
  /** Told how each request ended (`ok` or the error code), and how long it took, refusals of `parse` included. */
  observe?(outcome: string, seconds: number, connection: C): void;
}

/**
 * Every request a namespace answers, one entry per event of its client → server map, so an event
 * the protocol adds without a handler, or a handler answering with the wrong ack, is a compile
 * error. `C` is what the handlers get from their connection.
 */
export type RequestTable<M extends RequestMap<M>, C> = {
  [E in keyof M & string]: Request<PayloadOf<M[E]>, AckOf<M[E]>, C>;
};

/** Any namespace's request table, as registering it sees it. */
type AnyRequestTable<C> = { readonly [event: string]: Request<unknown, Ack, C> };

/** Anything a socket.io listener can be registered on. */
interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The event names a table answers. */
export const eventsOf = (table: object): ReadonlySet<string> => new Set(Object.keys(table));

/**
 * Answers every request of `table` on `socket` for `connection`, and refuses any other event (see
 * {@link refuseUnknownEvents}) with `refusal`'s error, or `INVALID_INPUT`.
 */
export function serveRequests<C>(
  socket: Listenable,
  table: AnyRequestTable<C>,
  connection: C,
  refusal: (event: string) => ErrorBody | undefined,
): void {
  for (const [event, request] of Object.entries(table)) onRequest(socket, event, request, connection);
  refuseUnknownEvents(socket, eventsOf(table), refusal);
}

/**
 * Registers `request` for `event` so that it can never throw into socket.io: the payload is the
 * first argument (absent when the client sent only an ack), the ack the last one when it is a
 * function, and every failure becomes `{ ok: false, error }`. Without an ack the result is dropped.
 */
export function onRequest<P, A extends Ack, C>(
  socket: Listenable,
  event: string,
  request: Request<P, A, C>,
  connection: C,
): void {
  const observe = request.observe;
  socket.on(event, (...args: unknown[]) => {
    const started = observe ? performance.now() : 0;
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (response: Ack) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    const answer = (response: Ack) => {
      observe?.(response.ok ? 'ok' : response.error.code, (performance.now() - started) / 1000, connection);
      ack?.(response);
    };
    let pending: Promise<A> | A;
    try {
      pending = request.handle(request.parse(payload, connection), connection);
    } catch (error) {
      answer({ ok: false, error: failure(event, error) });
      return;
    }
    if (pending instanceof Promise) {
      pending.then(answer, (error: unknown) => answer({ ok: false, error: failure(event, error) }));
    } else {
      answer(pending);
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
  socket: Pick<Listenable, 'onAny'>,
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
