/** `m:ss` for a countdown. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

/**
 * Time left on a hold by the server's clock as the device estimates it. The estimate is off by up
 * to half the join's round trip, which could show a fresh hold with more time than the event
 * grants (5:01 of a 5:00 hold); it is capped at `ttlSeconds`, the event's hold time (0: no cap).
 */
export function holdTimeLeftMs(expiresAt: number, serverNow: number, ttlSeconds: number): number {
  const left = expiresAt - serverNow;
  return ttlSeconds > 0 ? Math.min(left, ttlSeconds * 1000) : left;
}
