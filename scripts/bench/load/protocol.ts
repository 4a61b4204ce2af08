/** Messages between the load generator (parent) and its worker processes, over the IPC channel. */

export interface ConnectArgs {
  /** Server origin, e.g. `http://127.0.0.1:3000`. */
  url: string;
  namespace: string;
  count: number;
  /** When set, each client joins this event right after connecting (and waits for the ack). */
  eventId?: string;
  /** Handshakes in flight at once in this worker. */
  concurrency: number;
}
export interface ConnectResult {
  connected: number;
  failed: number;
  joinFailed: number;
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
  sku: string;
  runId: string;
}
export interface BurstResult {
  latencies: number[];
  outcomes: Record<string, number>;
  holdIds: string[];
  /** Monotonic ms (shared clock) of the first emit and the last ack in this worker. */
  firstEmitMs: number;
  lastAckMs: number;
}

export interface WatchArgs {
  sku: string;
}
/** One stock change the bench caused: when (shared clock, just before) and the stock it left. */
export interface StockTrigger {
  atMs: number;
  available: number;
}
export interface WatchReportArgs {
  /**
   * Single changes to time. A viewer's delivery of a change is its first message after `atMs`
   * carrying `available` at or below the change's (a coalesced later value covers it too), so a
   * late delivery is never credited to the next change.
   */
  triggers: StockTrigger[];
  /** For bursts: the stock each viewer's last message should carry. */
  finalAvailable?: number;
}
export interface WatchReportResult {
  /** Per trigger, per viewer: ms from the trigger to the first `stock` message covering it. */
  latencies: number[][];
  /** Viewer-trigger pairs that saw no message covering the change by the time of the report. */
  missed: number;
  viewers: number;
  /** Highest number of `stock` messages any viewer got inside one 1-second window. */
  maxPerSecond: number;
  totalMessages: number;
  /** Viewers whose last message did not carry `finalAvailable`. */
  lastMismatch: number;
}

export type WorkerRequest =
  | { id: number; cmd: 'connect'; args: ConnectArgs }
  | { id: number; cmd: 'reserveLoop'; args: ReserveLoopArgs }
  | { id: number; cmd: 'burst'; args: BurstArgs }
  | { id: number; cmd: 'watch'; args: WatchArgs }
  | { id: number; cmd: 'watchReport'; args: WatchReportArgs }
  | { id: number; cmd: 'disconnect'; args: Record<string, never> };

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
