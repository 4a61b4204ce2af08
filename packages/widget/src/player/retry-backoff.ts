/** Delay before the `attempt`-th retry (0-based): 1 s doubling to at most 15 s, with jitter so viewers do not retry in step. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 1000 * 2 ** attempt);
  return Math.round(base * (0.75 + random() * 0.5));
}
