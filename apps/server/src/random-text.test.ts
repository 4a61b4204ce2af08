import { describe, expect, it } from 'vitest';
import { randomText } from './random-text.js';

describe('random text from the pooled bytes', () => {
  it('gives base64url text of the asked length, never twice the same, across pool refills', () => {
    const seen = new Set<string>();
    // 20,000 × 15 bytes: the 4 KiB pool is refilled many times, with ids crossing its end.
    for (let i = 0; i < 20_000; i += 1) {
      const text = randomText(15);
      expect(text).toMatch(/^[A-Za-z0-9_-]{20}$/);
      seen.add(text);
    }
    expect(seen.size).toBe(20_000);
    expect(randomText(12)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(() => randomText(5_000)).toThrow(RangeError);
  });
});
