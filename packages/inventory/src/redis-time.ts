/**
 * A Redis `TIME` reply (`[seconds, microseconds]`) as epoch milliseconds: the clock hold expiries
 * are measured on. The scripts' twin is `lua/includes/now.lua`.
 */
export function epochMsOfRedisTime([seconds, microseconds]: readonly (string | number)[]): number {
  return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
}
