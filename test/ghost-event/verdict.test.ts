import { describe, expect, it } from 'vitest';
import type { GhostOptions } from '../../scripts/ghost-event/options.js';
import type { GhostRun } from '../../scripts/ghost-event/run.js';
import type { SnapshotProduct } from '../../scripts/ghost-event/server-api.js';
import { checkSkuStock } from '../../scripts/ghost-event/stock-check.js';
import { summarizeRun } from '../../scripts/ghost-event/summary.js';
import { summarize } from '../../scripts/bench/lib/stats.js';

/**
 * The real server never oversells, so the end-to-end suite cannot show the ghost event catching
 * one: these feed its check and verdict the numbers a broken server would produce.
 */
const product = (available: number, extra: Partial<SnapshotProduct> = {}): SnapshotProduct => ({
  sku: 'DROP',
  title: 'Drop',
  priceCents: 1000,
  currency: 'USD',
  limitPerShopper: 1,
  available,
  version: 1,
  ...extra,
});
const grants = (count: number, qty = 1) => Array.from({ length: count }, () => ({ qty }));

describe('checkSkuStock', () => {
  it('finds nothing wrong when holds and the final stock add up to the units', () => {
    expect(checkSkuStock('DROP', product(50), product(0), grants(50))).toMatchObject({
      units: 50,
      holds: 50,
      granted: 50,
      finalAvailable: 0,
      expectedAvailable: 0,
      unaccounted: 0,
      oversell: 0,
    });
    expect(checkSkuStock('DROP', product(50), product(10), grants(20, 2)).oversell).toBe(0);
  });

  it('counts holds granted beyond the units as oversell', () => {
    expect(checkSkuStock('DROP', product(50), product(0), grants(53)).oversell).toBe(3);
  });

  it('counts units still offered after their holds were granted as oversell', () => {
    // 50 acknowledged holds, yet the server still offers 4: those 4 would be sold twice.
    expect(checkSkuStock('DROP', product(50), product(4), grants(50))).toMatchObject({ oversell: 4, unaccounted: -4 });
  });

  it('counts a negative final stock as oversell', () => {
    expect(checkSkuStock('DROP', product(50), product(-2), grants(50)).oversell).toBe(2);
  });

  it('reports units that left without an acknowledged hold, without calling them oversell', () => {
    expect(checkSkuStock('DROP', product(50), product(0), grants(47))).toMatchObject({ unaccounted: 3, oversell: 0 });
  });

  it('checks the growth of held + sold where the snapshot reports them', () => {
    const check = checkSkuStock(
      'DROP',
      product(50, { held: 0, sold: 0 }),
      product(0, { held: 40, sold: 12 }),
      grants(50),
    );
    expect(check).toMatchObject({ committedGrowth: 52, oversell: 2 });
  });

  it('says when the snapshot no longer lists the SKU', () => {
    expect(() => checkSkuStock('DROP', product(50), undefined, grants(1))).toThrow(/no longer lists DROP/);
  });
});

const options: GhostOptions = {
  url: 'http://127.0.0.1:1',
  skus: ['DROP'],
  units: 50,
  shoppers: 100,
  viewers: 0,
  qty: 1,
  checkout: false,
  card: '4242 4242 4242 4242',
  timeoutSeconds: 30,
  settleSeconds: 5,
  holdTtlSeconds: 600,
  keep: false,
  json: true,
  progress: false,
};

function runWith(outcomes: Record<string, number>, finalAvailable: number, created = true): GhostRun {
  const held = outcomes.ok ?? 0;
  const connected = { connected: 100, failed: 0, joinFailed: 0, errors: {}, ms: 100 };
  return {
    eventId: 'ghost-00000000',
    eventCreated: created,
    eventEnded: created,
    workers: 2,
    connect: { shoppers: connected, viewers: { ...connected, connected: 0 } },
    burst: {
      latencies: [5, 10, 20],
      outcomes,
      outcomesBySku: { DROP: outcomes },
      messages: {},
      holdIds: [],
      grants: [],
      firstEmitMs: 0,
      lastAckMs: 100,
      wallMs: 100,
    },
    stock: [checkSkuStock('DROP', product(50), product(finalAvailable), grants(held))],
    watch: {
      delivery: summarize([1, 2]),
      missed: 0,
      viewers: 100,
      maxPerSecond: 3,
      totalMessages: 300,
      lastMismatch: 0,
      settleMs: 10,
    },
    unexpectedDisconnects: 0,
  };
}

describe('the verdict', () => {
  it('passes a clean drop', () => {
    const report = summarizeRun(options, runWith({ ok: 50, SOLD_OUT: 50 }, 0));
    expect(report).toMatchObject({ ok: true, holds: 50, soldOut: 50, errors: {}, oversell: 0, failures: [] });
  });

  it('accepts LIMIT_EXCEEDED as an expected refusal', () => {
    expect(summarizeRun(options, runWith({ ok: 50, SOLD_OUT: 40, LIMIT_EXCEEDED: 10 }, 0)).ok).toBe(true);
  });

  it('fails on oversell', () => {
    const report = summarizeRun(options, runWith({ ok: 52, SOLD_OUT: 48 }, 0));
    expect(report.ok).toBe(false);
    expect(report.oversell).toBe(2);
    expect(report.failures.join('\n')).toContain('OVERSELL of 2 unit(s) of DROP');
  });

  it('fails on any other error code, and hints at the per-IP limit for RATE_LIMITED', () => {
    const report = summarizeRun(options, runWith({ ok: 50, RATE_LIMITED: 50 }, 0));
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual(['unexpected answers to Buy Now: RATE_LIMITED=50']);
    expect(report.hints.join('\n')).toContain('LIVESHOP_IP_RATE_LIMIT=0');
  });

  it("quotes the server's message for an unexpected code", () => {
    const run = runWith({ ok: 0, INVALID_INPUT: 100 }, 50);
    run.burst.messages = { INVALID_INPUT: 'qty must be at most 10' };
    expect(summarizeRun(options, run).failures).toContain(
      'unexpected answers to Buy Now: INVALID_INPUT=100 (INVALID_INPUT: "qty must be at most 10")',
    );
  });

  it('fails when a throw-away event ends with stock the acknowledged holds do not explain', () => {
    const report = summarizeRun(options, runWith({ ok: 45, SOLD_OUT: 55 }, 0));
    expect(report.ok).toBe(false);
    expect(report.failures.join('\n')).toContain('50 units − 45 granted = 5');
  });

  it('does not blame an existing event for stock others bought meanwhile', () => {
    expect(summarizeRun(options, runWith({ ok: 45, SOLD_OUT: 55 }, 0, false)).ok).toBe(true);
  });

  it('fails on timeouts, and says a reserve without an answer may still have been granted', () => {
    const report = summarizeRun(options, runWith({ ok: 45, SOLD_OUT: 50, TIMEOUT: 5 }, 0));
    expect(report.failures).toEqual(['unexpected answers to Buy Now: TIMEOUT=5']);
    expect(report.hints.join('\n')).toContain('may still have been granted');
  });
});
