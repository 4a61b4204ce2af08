import { describe, expect, it } from 'vitest';
import { ReserveCounts } from './reserve-counts.js';

/** The same figures the plain way: every reserve kept, the window and the median recomputed each time. */
class PlainCounts {
  readonly #reserves: { shopperId: string; at: number }[] = [];
  constructor(private readonly windowMs: number) {}

  add(shopperId: string, at: number): { count: number; median: number; shoppers: number } {
    this.#reserves.push({ shopperId, at });
    const counts = new Map<string, number>();
    for (const reserve of this.#reserves) {
      if (reserve.at > at - this.windowMs) counts.set(reserve.shopperId, (counts.get(reserve.shopperId) ?? 0) + 1);
    }
    const others = [...counts].filter(([id]) => id !== shopperId).map(([, count]) => count);
    others.sort((a, b) => a - b);
    const middle = Math.floor(others.length / 2);
    const median =
      others.length === 0 ? 0 : others.length % 2 === 1 ? others[middle]! : (others[middle - 1]! + others[middle]!) / 2;
    return { count: counts.get(shopperId) ?? 0, median, shoppers: counts.size };
  }
}

describe('ReserveCounts', () => {
  it('counts one shopper in the window and gives 0 as the median when alone', () => {
    const counts = new ReserveCounts(1_000);
    expect(counts.add('a', 0)).toBe(1);
    expect(counts.add('a', 500)).toBe(2);
    expect(counts.medianOfOthers('a')).toBe(0);
    expect(counts.add('a', 1_000)).toBe(2);
    expect(counts.shoppers).toBe(1);
  });

  it('gives the median of the other shoppers, odd and even', () => {
    const counts = new ReserveCounts(60_000);
    for (const [shopperId, times] of [
      ['a', 1],
      ['b', 4],
      ['c', 9],
      ['d', 30],
    ] as const) {
      for (let i = 0; i < times; i += 1) counts.add(shopperId, 1_000);
    }
    expect(counts.medianOfOthers('d')).toBe(4);
    expect(counts.medianOfOthers('a')).toBe(9);
    expect(counts.medianOfOthers('nobody')).toBe(6.5);
    expect(counts.shoppers).toBe(4);
  });

  it('agrees with counting every reserve afresh, over many shoppers, counts past the first tree size, and a moving window', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const fast = new ReserveCounts(2_000);
    const plain = new PlainCounts(2_000);
    let at = 0;
    for (let i = 0; i < 4_000; i += 1) {
      at += Math.floor(random() * 3);
      // One heavy shopper (counts well past 64), a few regular ones, and many one-off shoppers.
      const pick = random();
      const shopperId = pick < 0.4 ? 'heavy' : pick < 0.8 ? `regular-${Math.floor(random() * 8)}` : `once-${i}`;
      const expected = plain.add(shopperId, at);
      expect(fast.add(shopperId, at)).toBe(expected.count);
      expect(fast.medianOfOthers(shopperId)).toBe(expected.median);
      expect(fast.shoppers).toBe(expected.shoppers);
    }
  });
});
