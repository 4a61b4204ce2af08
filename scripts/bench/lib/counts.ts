/** Outcome counts (`{ ok: 480, SOLD_OUT: 9520 }`) as the load generator and its reports keep them. */

export type Counts = Record<string, number>;

export function bump(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Adds `from` into `into` and returns `into`. */
export function addCounts(into: Counts, from: Counts): Counts {
  for (const [key, value] of Object.entries(from)) bump(into, key, value);
  return into;
}

export const sumCounts = (counts: Counts): number => Object.values(counts).reduce((sum, n) => sum + n, 0);
