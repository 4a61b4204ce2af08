import { describe, expect, it } from 'vitest';
import { WindowCounter } from './window-counter.js';

describe('WindowCounter', () => {
  it('allows the limit per key per window, then says how long until the window ends', () => {
    const counter = new WindowCounter(2, 1000);
    expect(counter.hit('a', 5_100)).toBe(0);
    expect(counter.hit('a', 5_200)).toBe(0);
    expect(counter.hit('b', 5_300)).toBe(0);
    expect(counter.hit('a', 5_400)).toBe(600);
    expect(counter.hit('a', 5_999)).toBe(1);
  });

  it('starts every key afresh in the next window', () => {
    const counter = new WindowCounter(1, 1000);
    expect(counter.hit('a', 1_000)).toBe(0);
    expect(counter.hit('a', 1_500)).toBe(500);
    expect(counter.hit('a', 2_000)).toBe(0);
    expect(counter.hit('a', 2_001)).toBe(999);
  });
});
