import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StockItem } from '@liveshop/protocol';
import { StockCoalescer } from './stock-coalescer.js';

describe('StockCoalescer', () => {
  let sent: { eventId: string; items: StockItem[]; at: number }[];
  let coalescer: StockCoalescer;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    sent = [];
    coalescer = new StockCoalescer(100, (eventId, items) => {
      sent.push({ eventId, items, at: Date.now() });
    });
  });
  afterEach(() => {
    coalescer.close();
    vi.useRealTimers();
  });

  const change = (sku: string, available: number, version: number, eventId = 'e') =>
    coalescer.add(eventId, { sku, available, version }, Date.now());

  it('sends the first change of a quiet room at once', () => {
    change('A', 9, 1);
    coalescer.release();
    expect(sent).toEqual([{ eventId: 'e', items: [{ sku: 'A', available: 9, version: 1 }], at: 1_000_000 }]);
  });

  it('then sends at most one message per interval carrying the newest version of each SKU', () => {
    change('A', 9, 1);
    coalescer.release();
    for (let i = 2; i <= 50; i += 1) {
      change(i % 2 ? 'A' : 'B', 100 - i, i);
      coalescer.release();
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    const gaps = sent.slice(1).map((message, i) => message.at - sent[i]!.at);
    expect(gaps.every((gap) => gap >= 100)).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(4);
    const last = new Map(sent.flatMap((message) => message.items.map((item) => [item.sku, item] as const)));
    expect(last.get('A')).toEqual({ sku: 'A', available: 51, version: 49 });
    expect(last.get('B')).toEqual({ sku: 'B', available: 50, version: 50 });
  });

  it('keeps the newer version when an older one arrives later', () => {
    change('A', 5, 7);
    change('A', 6, 6);
    coalescer.release();
    expect(sent[0]!.items).toEqual([{ sku: 'A', available: 5, version: 7 }]);
  });

  it('keeps a newer generation over a higher version of the one before', () => {
    coalescer.add('e', { sku: 'A', available: 5, version: 70, generation: 1 }, Date.now());
    coalescer.add('e', { sku: 'A', available: 9, version: 1, generation: 2 }, Date.now());
    coalescer.add('e', { sku: 'A', available: 3, version: 71, generation: 1 }, Date.now());
    coalescer.release();
    expect(sent[0]!.items).toEqual([{ sku: 'A', available: 9, version: 1, generation: 2 }]);
  });

  it('paces rooms independently', () => {
    change('A', 1, 1, 'x');
    change('A', 1, 1, 'y');
    coalescer.release();
    expect(sent.map((message) => message.eventId)).toEqual(['x', 'y']);
  });

  it('drops pending changes of a forgotten event', () => {
    change('A', 1, 1);
    coalescer.release();
    change('A', 0, 2);
    coalescer.release();
    coalescer.forget('e');
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(1);
  });
});

describe('StockCoalescer with a flush that takes time', () => {
  const FLUSH_MS = 300;
  const BUSY_MS = 250;
  let flushes: { startedAt: number; endedAt: number | null; available: number[] }[];
  let coalescer: StockCoalescer;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    flushes = [];
    // Each flush takes FLUSH_MS of wall time, of which BUSY_MS held the event loop.
    coalescer = new StockCoalescer(100, (_eventId, items) => {
      const flush = { startedAt: Date.now(), endedAt: null as number | null, available: items.map((i) => i.available) };
      flushes.push(flush);
      return new Promise<number>((resolve) =>
        setTimeout(() => {
          flush.endedAt = Date.now();
          resolve(BUSY_MS);
        }, FLUSH_MS),
      );
    });
  });
  afterEach(() => {
    coalescer.close();
    vi.useRealTimers();
  });

  it('never starts a flush before the last one ended, waits its cost after it, and ends on the final state', async () => {
    // A random burst: 400 changes over 4 s, in random gaps.
    let version = 0;
    let available = 1_000;
    while (version < 400) {
      version += 1;
      available -= 1;
      coalescer.add('e', { sku: 'A', available, version }, Date.now());
      coalescer.release();
      await vi.advanceTimersByTimeAsync(Math.floor(Math.random() * 20));
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect(flushes.length).toBeGreaterThan(1);
    for (let i = 1; i < flushes.length; i += 1) {
      const previous = flushes[i - 1]!;
      expect(previous.endedAt).not.toBeNull();
      expect(flushes[i]!.startedAt).toBeGreaterThanOrEqual(previous.endedAt! + BUSY_MS);
      expect(flushes[i]!.startedAt).toBeGreaterThanOrEqual(previous.startedAt + 100);
    }
    expect(flushes.at(-1)!.available).toEqual([available]);
    const all = flushes.flatMap((flush) => flush.available);
    expect(all).toEqual([...all].sort((a, b) => b - a));
  });

  it('still sends the first change of a quiet room at once', async () => {
    coalescer.add('e', { sku: 'A', available: 5, version: 1 }, Date.now());
    coalescer.release();
    expect(flushes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    coalescer.add('e', { sku: 'A', available: 4, version: 2 }, Date.now());
    coalescer.release();
    expect(flushes).toHaveLength(2);
    expect(flushes[1]!.startedAt).toBe(Date.now());
  });
});
