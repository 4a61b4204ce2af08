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

/** Anything a socket.io catch-all listener can be registered on. */
interface Listenable {
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The event names a table answers. */
export const eventsOf = (table: object): ReadonlySet<string> => new Set(Object.keys(table));

/** Each table's event names, computed once per table rather than once per connection. */
const handledEvents = new WeakMap<object, ReadonlySet<string>>();

/**
 * Answers every request of `table` on `socket` for `connection`, and refuses any other event (see
 * {@link refuse}) with `refusal`'s error, or `INVALID_INPUT`. One catch-all listener per
 * connection dispatches by event name: a join storm of 10,000 connections registers 10,000
 * listeners instead of one per event each, and a request is answered on the turn its frame is read.
 */
export function serveRequests<C>(
  socket: Listenable,
  table: AnyRequestTable<C>,
  connection: C,
  refusal: (event: string) => ErrorBody | undefined,
): void {
  let handled = handledEvents.get(table);
  if (!handled) handledEvents.set(table, (handled = eventsOf(table)));
  const events = handled;
  socket.onAny((event, ...args) => {
    if (typeof event === 'string' && events.has(event)) answer(event, table[event]!, connection, args);
    else refuse(event, args, refusal);
  });
}

/**
 * Answers one request so that it can never throw into socket.io: the payload is the first
 * argument (absent when the client sent only an ack), the ack the last one when it is a function,
 * and every failure becomes `{ ok: false, error }`. Without an ack the result is dropped.
 */
function answer<C>(event: string, request: Request<unknown, Ack, C>, connection: C, args: unknown[]): void {
  const observe = request.observe;
  const started = observe ? performance.now() : 0;
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (response: Ack) => void) : undefined;
  const payload = ack && args.length === 1 ? undefined : args[0];
  const reply = (response: Ack) => {
    observe?.(response.ok ? 'ok' : response.error.code, (performance.now() - started) / 1000, connection);
    ack?.(response);
  };
  let pending: Promise<Ack> | Ack;
  try {
    pending = request.handle(request.parse(payload, connection), connection);
  } catch (error) {
    reply({ ok: false, error: failure(event, error) });
    return;
  }
  if (pending instanceof Promise) {
    pending.then(reply, (error: unknown) => reply({ ok: false, error: failure(event, error) }));
  } else {
    reply(pending);
  }
}

/**
 * Refuses an event the namespace does not handle, with a typed ack when the client asked for one:
 * `refusal`'s error for an event it knows (another namespace's), `INVALID_INPUT` for any other.
 * socket.io passes event names as the client sent them, so a name may be a number: it is
 * checked as a value of any type, never used as a string before being turned into one.
 */
function refuse(event: unknown, args: unknown[], refusal: (event: string) => ErrorBody | undefined): void {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return;
  const name = String(event);
  const error = (typeof event === 'string' ? refusal(event) : undefined) ?? {
    code: ErrorCode.INVALID_INPUT,
    message: `unknown event ${JSON.stringify(name.slice(0, 40))}`,
  };
  (last as (response: Ack) => void)({ ok: false, error });
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
