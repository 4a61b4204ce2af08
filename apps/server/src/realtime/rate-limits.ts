import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { ServerKeys } from './server-keys.js';
import { WindowCounter } from './window-counter.js';

export interface RateLimitSettings {
  shopperReservesPerSecond: number;
  shopperChatPer10Seconds: number;
  /** 0 turns the per-IP limits off. */
  ipRateLimitPerSecond: number;
}

/**
 * Fixed-window limits on reserve and chat, per shopper session and per client IP.
 *
 * The per-shopper reserve limit is counted in this process's memory, synchronously (a
 * {@link WindowCounter}): it is on the hot path, a shopper's connection lives on one process, and
 * a Redis counter there measurably cost throughput (docs/decisions/0006). Every other limit is
 * counted in Redis, so it holds across processes; a key that went over is then refused from memory
 * until its window ends, so a flood costs no Redis round trips.
 */
export class RateLimits {
  readonly #reserveShopper: WindowCounter;
  readonly #reserveIp: RateLimiterRedis | null;
  readonly #chatShopper: RateLimiterRedis;
  readonly #chatIp: RateLimiterRedis | null;

  constructor(
    redis: Redis,
    keys: ServerKeys,
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
    this.#reserveShopper = new WindowCounter(settings.shopperReservesPerSecond, 1000);
    this.#chatShopper = limiter('chat-shopper', settings.shopperChatPer10Seconds, 10);
    const perIp = settings.ipRateLimitPerSecond;
    this.#reserveIp = perIp > 0 ? limiter('reserve-ip', perIp, 1) : null;
    this.#chatIp = perIp > 0 ? limiter('chat-ip', perIp, 1) : null;
  }

  /**
   * Throws `RATE_LIMITED` when this shopper reserved too often in the current second. With the
   * per-IP limit on, returns the promise of its check (rejecting with `RATE_LIMITED` when over);
   * otherwise returns undefined, and the request goes on without waiting for anything.
   */
  reserve(shopperId: string, ip: string): Promise<void> | undefined {
    const waitMs = this.#reserveShopper.hit(shopperId);
    if (waitMs > 0) throw this.#limited('reserve', waitMs);
    return this.#reserveIp?.consume(ip).then(
      () => undefined,
      (error: unknown) => {
        throw this.#failure('reserve', error);
      },
    );
  }

  /** Throws `RATE_LIMITED` when this sender or IP chatted too often. */
  chat(senderId: string, ip: string): Promise<void> {
    return this.#check('chat', this.#chatShopper, senderId, this.#chatIp, ip);
  }

  async #check(
    action: string,
    perSender: RateLimiterAbstract,
    senderId: string,
    perIp: RateLimiterAbstract | null,
    ip: string,
  ): Promise<void> {
    try {
      await (perIp ? Promise.all([perSender.consume(senderId), perIp.consume(ip)]) : perSender.consume(senderId));
    } catch (error) {
      throw this.#failure(action, error);
    }
  }

  /** A limiter's rejection as the error the client gets. */
  #failure(action: string, error: unknown): LiveshopError {
    if (!(error instanceof RateLimiterRes)) {
      return new LiveshopError(ErrorCode.UNAVAILABLE, 'rate limiting is unavailable; try again shortly');
    }
    return this.#limited(action, error.msBeforeNext);
  }

  #limited(action: string, msBeforeNext: number): LiveshopError {
    this.metrics.rateLimited.labels(action).inc();
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new LiveshopError(ErrorCode.RATE_LIMITED, `too many ${action} requests; try again in ${seconds} s`);
  }
}
