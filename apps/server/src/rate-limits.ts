import type { KeyBuilder } from '@liveshop/inventory';
import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import type { RedisClient } from './redis-connection.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ServerMetrics } from './metrics/metrics.js';
import { WindowCounter } from './window-counter.js';

export interface RateLimitSettings {
  /** Reserves, and releases, per second per shopper session (each its own count). */
  shopperReservesPerSecond: number;
  /** Joins, and leaves, per 10 seconds per shopper session (each its own count). */
  shopperJoinsPer10Seconds: number;
  shopperChatPer10Seconds: number;
  /** Requests per second per client IP, for each action; 0 turns every per-IP limit off. */
  ipRateLimitPerSecond: number;
  /** New shopper sessions per minute per client IP (off with the other per-IP limits). */
  sessionsPerIpPerMinute: number;
}

/** The actions limited, as they appear in `liveshop_rate_limited_total{limit}` and messages. */
type Action = 'reserve' | 'release' | 'join' | 'leave' | 'chat' | 'session' | 'event' | 'beacon';

/** Beacons per 10 seconds per shopper session: the widget sends one every few seconds at most. */
const BEACONS_PER_10_SECONDS = 10;

/**
 * Fixed-window limits per shopper session and per client IP.
 *
 * Per-session limits of reserve, release, join and leave are counted in this process's memory,
 * synchronously (a {@link WindowCounter}): reserve is the hot path, a shopper's connection lives on
 * one process, and a Redis counter there measurably cost throughput (docs/decisions/0006). Every
 * other limit (per IP, and per-session chat) is counted in Redis, so it holds across processes; a
 * key that went over is then refused from memory until its window ends, so a flood costs no Redis
 * round trips. With the per-IP limit at 0 no per-IP limit exists and nothing extra reaches Redis.
 * The synchronous check is measured in docs/benchmarks.md (Speed tricks on trial).
 */
export class RateLimits {
  readonly #perSession: Partial<Record<Action, WindowCounter>>;
  readonly #perIp: Partial<Record<Action, RateLimiterRedis>> = {};
  readonly #chatShopper: RateLimiterRedis;

  constructor(
    redis: RedisClient,
    keys: KeyBuilder,
    settings: RateLimitSettings,
    private readonly metrics: ServerMetrics,
  ) {
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: keys.rateLimit(name),
        points,
        duration,
        inMemoryBlockOnConsumed: points + 1,
      });
    this.#perSession = {
      reserve: new WindowCounter(settings.shopperReservesPerSecond, 1_000),
      release: new WindowCounter(settings.shopperReservesPerSecond, 1_000),
      join: new WindowCounter(settings.shopperJoinsPer10Seconds, 10_000),
      leave: new WindowCounter(settings.shopperJoinsPer10Seconds, 10_000),
      beacon: new WindowCounter(BEACONS_PER_10_SECONDS, 10_000),
    };
    this.#chatShopper = limiter('chat-shopper', settings.shopperChatPer10Seconds, 10);
    const perIp = settings.ipRateLimitPerSecond;
    if (perIp > 0) {
      for (const action of ['reserve', 'release', 'join', 'leave', 'chat', 'event', 'beacon'] as const) {
        this.#perIp[action] = limiter(`${action}-ip`, perIp, 1);
      }
      this.#perIp.session = limiter('session-ip', settings.sessionsPerIpPerMinute, 60);
    }
  }

  /**
   * Throws `RATE_LIMITED` when this shopper reserved too often in the current second. With the
   * per-IP limit on, returns the promise of its check (rejecting with `RATE_LIMITED` when over);
   * otherwise returns undefined, and the request goes on without waiting for anything.
   */
  reserve(shopperId: string, ip: string): Promise<void> | undefined {
    return this.#request('reserve', shopperId, ip);
  }

  /** Throws (or rejects with) `RATE_LIMITED` when this shopper or IP released too often. */
  release(shopperId: string, ip: string): Promise<void> | undefined {
    return this.#request('release', shopperId, ip);
  }

  /** Throws (or rejects with) `RATE_LIMITED` when this connection's sender or IP joined too often. */
  join(senderId: string, ip: string): Promise<void> | undefined {
    return this.#request('join', senderId, ip);
  }

  leave(senderId: string, ip: string): Promise<void> | undefined {
    return this.#request('leave', senderId, ip);
  }

  /** Throws (or rejects with) `RATE_LIMITED` when this shopper or IP sent too many analytics beacons. */
  beacon(shopperId: string, ip: string): Promise<void> | undefined {
    return this.#request('beacon', shopperId, ip);
  }

  /** Rejects with `RATE_LIMITED` when this sender or IP chatted too often. */
  async chat(senderId: string, ip: string): Promise<void> {
    const perIp = this.#perIp.chat;
    try {
      await (perIp
        ? Promise.all([this.#chatShopper.consume(senderId), perIp.consume(ip)])
        : this.#chatShopper.consume(senderId));
    } catch (error) {
      throw this.#failure('chat', error);
    }
  }

  /** Rejects with `RATE_LIMITED` when this IP read `GET /api/events/:id` too often. */
  async eventRead(ip: string): Promise<void> {
    await this.#perIp.event?.consume(ip).catch((error: unknown) => {
      throw this.#failure('event', error);
    });
  }

  /**
   * Rejects with `RATE_LIMITED` when this IP minted too many shopper sessions this minute. When
   * Redis cannot count, the session is minted anyway: without Redis nothing it could be used for
   * works, and a refused connection would not come back by itself once Redis does.
   */
  async session(ip: string): Promise<void> {
    await this.#perIp.session?.consume(ip).catch((error: unknown) => {
      if (error instanceof RateLimiterRes) throw this.#limited('session', error.msBeforeNext);
    });
  }

  /** The per-session count synchronously (throwing when over), then the per-IP one when on. */
  #request(action: Action, senderId: string, ip: string): Promise<void> | undefined {
    const waitMs = this.#perSession[action]?.hit(senderId) ?? 0;
    if (waitMs > 0) throw this.#limited(action, waitMs);
    return this.#perIp[action]?.consume(ip).then(
      () => undefined,
      (error: unknown) => {
        throw this.#failure(action, error);
      },
    );
  }

  /** A limiter's rejection as the error the client gets. */
  #failure(action: Action, error: unknown): LiveshopError {
    if (!(error instanceof RateLimiterRes)) {
      return new LiveshopError(ErrorCode.UNAVAILABLE, 'rate limiting is unavailable; try again shortly');
    }
    return this.#limited(action, error.msBeforeNext);
  }

  #limited(action: Action, msBeforeNext: number): LiveshopError {
    this.metrics.rateLimited.labels(action).inc();
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    const what = action === 'session' ? 'new sessions' : action === 'event' ? 'event reads' : `${action} requests`;
    return new LiveshopError(ErrorCode.RATE_LIMITED, `too many ${what}; try again in ${seconds} s`);
  }
}
