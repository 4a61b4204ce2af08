/**
 * Messages between the load generator (parent) and its worker processes, over the IPC channel.
 *
 * Every client a worker opens belongs to a group (`shopper`, `viewer`, …; `default` when the
 * caller names none). Commands that act on clients take an optional `group`; without one they act
 * on every client of the worker.
 */

export interface ConnectArgs {
  /** Server origin, e.g. `http://127.0.0.1:3000`. */
  url: string;
  namespace: string;
  count: number;
  /** When set, each client joins this event right after connecting (and waits for the ack). */
  eventId?: string;
  /** Handshakes in flight at once in this worker. */
  concurrency: number;
  group?: string;
  /** Longest wait for a handshake or a join ack, in ms. Default 60,000 (handshake) / 30,000 (ack). */
  timeoutMs?: number;
}
export interface ConnectResult {
  connected: number;
  failed: number;
  joinFailed: number;
  /** Why connections or joins failed: `join:<code>` for a refused join, else the connect error. */
  errors: Record<string, number>;
  ms: number;
}

export interface ReserveLoopArgs {
  eventId: string;
  sku: string;
  runId: string;
  warmupMs: number;
  durationMs: number;
}
export interface ReserveLoopResult {
  /** Ack latency (ms) of every reserve acknowledged inside the measured window. */
  latencies: number[];
  /** Outcome counts inside the measured window: `ok` or the error code. */
  outcomes: Record<string, number>;
  durationMs: number;
}

export interface BurstArgs {
  eventId: string;
  /** The n-th client of the group taps `skus[n % skus.length]`. */
  skus: string[];
  /** Units per tap. Default 1. */
  qty?: number;
  runId: string;
  group?: string;
  /** Emits per second in this worker; unset fires every client at once (a tight loop). */
  ratePerSecond?: number;
  /** Shared-clock time (see `nowMs`) to fire at, so every worker starts together. */
  startAtMs?: number;
  /** Longest wait for one ack; a reserve without an ack by then counts as `TIMEOUT`. Default 30,000. */
  timeoutMs?: number;
}
/** One granted hold as its shopper learned it: when the ack arrived and the stock it reported. */
export interface Grant {
  sku: string;
  qty: number;
  holdId: string;
  ackAtMs: number;
  available: number;
}
export interface BurstResult {
  latencies: number[];
  outcomes: Record<string, number>;
  /** Outcome counts per SKU. */
  outcomesBySku: Record<string, Record<string, number>>;
  /** One message per error code, as the server worded it (the first seen). */
  messages: Record<string, string>;
  holdIds: string[];
  grants: Grant[];
  /** Monotonic ms (shared clock) of the first emit and the last ack in this worker. */
  firstEmitMs: number;
  lastAckMs: number;
}

/**
 * The `/shop` `checkout` request (docs/protocol.md), for every client of the group holding holds. The customer,
 * address and idempotency key are derived per client from `runId`.
 */
export interface CheckoutArgs {
  eventId: string;
  runId: string;
  /** Test-provider card number, e.g. `4242 4242 4242 4242`. */
  card: string;
  group?: string;
  timeoutMs?: number;
}
export interface CheckoutResult {
  attempted: number;
  latencies: number[];
  /** `ok:<order status>` for an accepted checkout, otherwise the error code (`TIMEOUT` for no ack). */
  outcomes: Record<string, number>;
  /** One message per error code, as the server worded it (the first seen). */
  messages: Record<string, string>;
  firstEmitMs: number;
  lastAckMs: number;
}

export interface WatchArgs {
  skus: string[];
  group?: string;
}
/** One stock change to time: when (shared clock) and the stock it left. */
export interface StockTrigger {
  atMs: number;
  available: number;
  /** The SKU that changed; default the first watched one. */
  sku?: string;
  /**
   * Earliest receipt that may count as this change's delivery; default `atMs`. A delivery before
   * `atMs` counts as 0 ms (the viewer knew before the trigger's clock started).
   */
  notBeforeMs?: number;
}
export interface WatchReportArgs {
  /**
   * Single changes to time. A viewer's delivery of a change is its first message after
   * `notBeforeMs` carrying `available` at or below the change's (a coalesced later value covers
   * it too), so a late delivery is never credited to the next change.
   */
  triggers: StockTrigger[];
  /** The stock each viewer should know last, per SKU (a number: for the first watched SKU). */
  finalAvailable?: number | Record<string, number>;
  group?: string;
}
export interface WatchReportResult {
  /** Per trigger, per viewer: ms from the trigger to the first `stock` message covering it. */
  latencies: number[][];
  /** Viewer-trigger pairs that saw no message covering the change by the time of the report. */
  missed: number;
  viewers: number;
  /** Highest number of `stock` messages (carrying a watched SKU) any viewer got inside one second. */
  maxPerSecond: number;
  totalMessages: number;
  /**
   * Viewer-SKU pairs whose last known stock (the last message, or the join snapshot when no
   * message came) is not the final one.
   */
  lastMismatch: number;
}

export interface DisconnectResult {
  closed: number;
  /** Clients that dropped without being asked to since they connected. */
  unexpectedDisconnects: number;
}

export type WorkerRequest =
  | { id: number; cmd: 'connect'; args: ConnectArgs }
  | { id: number; cmd: 'reserveLoop'; args: ReserveLoopArgs }
  | { id: number; cmd: 'burst'; args: BurstArgs }
  | { id: number; cmd: 'checkout'; args: CheckoutArgs }
  | { id: number; cmd: 'watch'; args: WatchArgs }
  | { id: number; cmd: 'watchReport'; args: WatchReportArgs }
  | { id: number; cmd: 'disconnect'; args: { group?: string } };

/**
 * A command's answer, or (without `ok`) how far a long command got: `progress` counts the clients
 * it has finished with so far in this worker (connected, or answered).
 */
export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { id: number; progress: number };
