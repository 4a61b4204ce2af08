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
