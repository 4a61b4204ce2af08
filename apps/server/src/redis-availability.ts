import { redactUrl } from './config/options.js';
import { COMMAND_TIMEOUT_MS, type RedisClient } from './redis-connection.js';

/** How often the connection is probed for a Redis that stopped answering without closing it. */
const PROBE_INTERVAL_MS = 1_000;

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

/**
 * Watches the main Redis connection: one log line when it is lost, one when it is back (with how
 * long it was away), and `onUp` callbacks for what must be redone after a reconnect. ioredis
 * reconnects by itself after a close; a Redis that stops answering while the socket stays open
 * (a stalled host, a network that drops packets) is caught by a PING every second, which drops
 * the connection when it times out so that the same reconnect takes over.
 */
export class RedisAvailability {
  #up = true;
  #downSince = 0;
  #reason = '';
  #stopped = false;
  #probing = false;
  readonly #probe: NodeJS.Timeout;
  readonly #onUp: (() => void)[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly url: string,
  ) {
    // The error that closes a connection comes just before its 'close'; later ones are reconnect attempts.
    redis.on('error', (error: Error) => {
      if (this.#up) this.#reason = error.message;
    });
    redis.on('close', () => this.#lost());
    redis.on('ready', () => this.#found());
    this.#probe = setInterval(() => void this.#ping(), PROBE_INTERVAL_MS).unref();
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
    clearInterval(this.#probe);
  }

  async #ping(): Promise<void> {
    if (this.#probing || this.redis.status !== 'ready') return;
    this.#probing = true;
    try {
      await this.redis.ping();
    } catch (error) {
      if (!this.#stopped && this.redis.status === 'ready' && isUnavailableError(error)) {
        this.#reason = `no answer within ${COMMAND_TIMEOUT_MS} ms`;
        this.redis.disconnect(true);
      }
    } finally {
      this.#probing = false;
    }
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
