import { redactUrl } from './config/options.js';
import type { Socket } from 'node:net';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** How often the watch looks at the connections for a Redis that stopped answering without closing them. */
const WATCH_INTERVAL_MS = 200;
/** Commands waiting this long with not one byte of reply mean a stalled Redis; below the 3 s every request is answered in. */
export const STALL_MS = 2_000;
/** An idle connection is pinged this often, so a stall is seen before the next request. */
const IDLE_PING_MS = 1_000;

/** What a connection had read at the last look, and since when. */
interface Progress {
  stream: Socket;
  bytesRead: number;
  since: number;
  pingedAt: number;
}

/** Error codes of a network connection that failed, whatever the client. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** Redis replies that mean "not now" rather than "wrong": loading its data, no master, out of memory, a busy script. */
const UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY|OOM|READONLY|NOREPLICAS)\b/;
/** The messages ioredis fails a command with when the connection is down, stalled or not yet ready. */
const CONNECTION_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Socket timeout',
];

/**
 * Whether `error` says Redis (or another store) cannot be reached right now, as opposed to a
 * refusal of the command itself: such failures are answered `UNAVAILABLE`, and logged once per
 * outage by {@link RedisAvailability} instead of once per request.
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(error.message);
  return CONNECTION_MESSAGES.some((message) => error.message.startsWith(message));
}

/** Fails every command of `connection` still waiting for its reply, as a closed connection does. */
function failWaiting(connection: Redis): void {
  for (let item = connection.commandQueue.shift(); item; item = connection.commandQueue.shift()) {
    item.command.reject(new Error('Connection is closed.'));
  }
}

/**
 * Watches the main Redis connection: one log line when it is lost, one when it is back (with how
 * long it was away), and `onUp` callbacks for what must be redone after a reconnect. ioredis
 * reconnects by itself after a close. A Redis that stops answering while the socket stays open
 * (a stalled host, a network that drops packets) is told from one that is merely busy by whether
 * _any_ reply arrives: every {@link WATCH_INTERVAL_MS} the watch looks at each connection's
 * queue of commands awaiting replies and the bytes read from its socket, and only when commands
 * have waited {@link STALL_MS} without a single byte coming back does it drop the connection, so
 * that its commands fail (`UNAVAILABLE`) and the same reconnect takes over. A burst of thousands
 * of commands on a healthy Redis keeps replies flowing and is never taken for an outage, however
 * long its queue (a PING or a per-command timeout would be, queued behind the burst: decision
 * 0160). An idle connection gets a PING now and then, so a stall shows even without traffic.
 */
export class RedisAvailability {
  #up = true;
  #downSince = 0;
  #reason = '';
  #stopped = false;
  readonly #watch: NodeJS.Timeout;
  readonly #progress = new WeakMap<Redis, Progress>();
  readonly #onUp: (() => void)[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly url: string,
  ) {
    // The error that closes a connection comes just before its 'close'; later ones are reconnect attempts.
    redis.on('error', (error: Error) => {
      if (this.#up) this.#reason = error.message;
    });
    redis.on('close', () => {
      // Replies to commands written before the close never come, and the client does not send them
      // again: they fail now rather than wait for ever (the main connection has no command timeout).
      if (!(redis instanceof Cluster)) failWaiting(redis);
      this.#lost();
    });
    redis.on('ready', () => this.#found());
    // Looked at after the loop's next poll for I/O: when the process itself was busy for a while,
    // replies waiting in the socket are read first and not taken for a silence.
    this.#watch = setInterval(() => setImmediate(() => this.#check()), WATCH_INTERVAL_MS).unref();
  }

  get up(): boolean {
    return this.#up;
  }

  /** Calls `listener` every time the connection is ready again after being lost. */
  onUp(listener: () => void): void {
    this.#onUp.push(listener);
  }

  /** Stops watching (before the server closes the connection on purpose). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#watch);
  }

  #check(): void {
    if (this.#stopped || this.redis.status !== 'ready') return;
    const now = Date.now();
    const connections = this.redis instanceof Cluster ? this.redis.nodes() : [this.redis];
    if (!connections.some((connection) => this.#stalled(connection, now))) return;
    this.#reason = `no reply within ${STALL_MS} ms`;
    // What waits fails at once; a polite close would wait for the stalled Redis to close its side.
    for (const connection of connections) {
      failWaiting(connection);
      (connection.stream as Socket | undefined)?.destroy();
    }
    // A cluster reconnects as a whole, as it does after any close.
    this.redis.disconnect(true);
  }

  /** Whether `connection` has had commands waiting for {@link STALL_MS} with no byte read. */
  #stalled(connection: Redis, now: number): boolean {
    const stream = connection.stream as Socket | undefined;
    if (connection.status !== 'ready' || !stream) return false;
    const waiting = connection.commandQueue.length;
    const bytesRead = stream.bytesRead;
    const last = this.#progress.get(connection);
    if (!last || last.stream !== stream || last.bytesRead !== bytesRead || waiting === 0) {
      const pingedAt = last?.stream === stream ? last.pingedAt : now;
      const progress = { stream, bytesRead, since: now, pingedAt };
      this.#progress.set(connection, progress);
      if (waiting === 0 && now - pingedAt >= IDLE_PING_MS) {
        progress.pingedAt = now;
        connection.ping().catch(() => undefined);
      }
      return false;
    }
    return now - last.since >= STALL_MS;
  }

  #lost(): void {
    if (!this.#up || this.#stopped) return;
    this.#up = false;
    this.#downSince = Date.now();
    console.warn(
      `liveshop: Redis at ${redactUrl(this.url)} is unavailable (${this.#reason || 'connection lost'}); ` +
        'requests are answered UNAVAILABLE until it is back',
    );
  }

  #found(): void {
    if (this.#up || this.#stopped) return;
    this.#up = true;
    this.#reason = '';
    const seconds = ((Date.now() - this.#downSince) / 1000).toFixed(1);
    console.warn(`liveshop: Redis at ${redactUrl(this.url)} is available again after ${seconds} s`);
    for (const listener of this.#onUp) listener();
  }
}
