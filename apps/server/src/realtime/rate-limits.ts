import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { ServerKeys } from './server-keys.js';

export interface RateLimitSettings {
  shopperReservesPerSecond: number;
  shopperChatPer10Seconds: number;
  /** 0 turns the per-IP limits off. */
  ipRateLimitPerSecond: number;
}

/**
 * Fixed-window limits on reserve and chat, per shopper session and per client IP.
 *
 * The per-shopper reserve limit is counted in this process's memory: it is on the hot path, a
 * shopper's connection lives on one process, and a Redis counter there measurably cost throughput
 * (docs/decisions/0006). Every other limit is counted in Redis, so it holds across processes; a key
 * that went over is then refused from memory until its window ends, so a flood costs no Redis
 * round trips. The checks of one request run concurrently.
 */
export class RateLimits {
  readonly #reserveShopper: RateLimiterMemory;
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
    this.#reserveShopper = new RateLimiterMemory({ points: settings.shopperReservesPerSecond, duration: 1 });
    this.#chatShopper = limiter('chat-shopper', settings.shopperChatPer10Seconds, 10);
    const perIp = settings.ipRateLimitPerSecond;
    this.#reserveIp = perIp > 0 ? limiter('reserve-ip', perIp, 1) : null;
    this.#chatIp = perIp > 0 ? limiter('chat-ip', perIp, 1) : null;
  }

  /** Throws `RATE_LIMITED` when this shopper or IP reserved too often in the current second. */
  reserve(shopperId: string, ip: string): Promise<void> {
    return this.#check('reserve', this.#reserveShopper, shopperId, this.#reserveIp, ip);
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
      if (!(error instanceof RateLimiterRes)) {
        throw new LiveshopError(ErrorCode.UNAVAILABLE, 'rate limiting is unavailable; try again shortly');
      }
      this.metrics.rateLimited.labels(action).inc();
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new LiveshopError(ErrorCode.RATE_LIMITED, `too many ${action} requests; try again in ${seconds} s`);
    }
  }
}
