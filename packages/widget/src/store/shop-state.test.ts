import { describe, expect, it } from 'vitest';
import { joinAck, product } from '../test-support/fixtures.js';
import { CHAT_HISTORY, ShopState, type HoldsSyncedEvent, type StockChangedEvent } from './shop-state.js';

function joined() {
  const state = new ShopState();
  state.applySnapshot(joinAck());
  return state;
}

describe('ShopState', () => {
  it('applies a snapshot: products in order, pinned, event', () => {
    const state = joined();
    expect(state.products.map((p) => p.sku)).toEqual(['mug', 'scarf', 'lamp']);
    expect(state.pinned).toEqual(['scarf']);
    expect(state.event?.title).toBe('Spring Drop');
  });

  it('applies a stock update only when its version is newer', () => {
    const state = joined();
    expect(state.applyStock([{ sku: 'scarf', available: 2, version: 5 }])).toEqual([
      { sku: 'scarf', before: 3, after: 2 },
    ]);
    // Stale (older) and duplicate (same version) updates are ignored, whatever they say.
    expect(state.applyStock([{ sku: 'scarf', available: 9, version: 4 }])).toEqual([]);
    expect(state.applyStock([{ sku: 'scarf', available: 9, version: 5 }])).toEqual([]);
    expect(state.product('scarf')).toMatchObject({ available: 2, version: 5 });
  });

  it('applies out-of-order delivery to the newest state', () => {
    const state = joined();
    state.applyStock([{ sku: 'mug', available: 10, version: 7 }]);
    state.applyStock([{ sku: 'mug', available: 15, version: 3 }]);
    state.applyStock([{ sku: 'mug', available: 12, version: 6 }]);
    expect(state.product('mug')).toMatchObject({ available: 10, version: 7 });
  });

  it('takes a higher stock generation whatever its version, then orders by version within it', () => {
    const state = joined();
    // The server restored the event after Redis lost it: versions start over in generation 2.
    expect(state.applyStock([{ sku: 'scarf', available: 7, version: 1, generation: 2 }])).toEqual([
      { sku: 'scarf', before: 3, after: 7 },
    ]);
    expect(state.generation).toBe(2);
    // A late push of the old generation, however high its version, is stale.
    expect(state.applyStock([{ sku: 'scarf', available: 0, version: 50, generation: 1 }])).toEqual([]);
    expect(state.applyStock([{ sku: 'scarf', available: 6, version: 2, generation: 2 }])).toEqual([
      { sku: 'scarf', before: 7, after: 6 },
    ]);
    expect(state.applyStock([{ sku: 'scarf', available: 9, version: 2, generation: 2 }])).toEqual([]);
    expect(state.product('scarf')).toMatchObject({ available: 6, version: 2, generation: 2 });
    // Another SKU's first item of the new generation replaces its old-generation version too.
    expect(state.applyStock([{ sku: 'lamp', available: 4, version: 1, generation: 2 }])).toHaveLength(1);
    expect(state.product('lamp')).toMatchObject({ available: 4, version: 1, generation: 2 });
  });

  it('takes a snapshot of a higher generation over pushed versions, and keeps pushes newer than the snapshot', () => {
    const state = joined();
    state.applyStock([{ sku: 'mug', available: 4, version: 10, generation: 1 }]);
    state.applySnapshot(joinAck({ products: [product({ available: 19, version: 2, generation: 2 })] }));
    expect(state.product('mug')).toMatchObject({ available: 19, version: 2, generation: 2 });
    state.applyStock([{ sku: 'mug', available: 18, version: 3, generation: 2 }]);
    state.applySnapshot(joinAck({ products: [product({ available: 19, version: 2, generation: 2 })] }));
    expect(state.product('mug')).toMatchObject({ available: 18, version: 3, generation: 2 });
    expect(state.generation).toBe(2);
  });

  it('ignores updates for unknown SKUs', () => {
    const state = joined();
    expect(state.applyStock([{ sku: 'ghost', available: 1, version: 99 }])).toEqual([]);
    expect(state.product('ghost')).toBeUndefined();
  });

  it('keeps a newer pushed version over an older snapshot, and reports what a resync changed', () => {
    const state = joined();
    state.applyStock([{ sku: 'mug', available: 4, version: 10 }]);
    const events: StockChangedEvent[] = [];
    state.addEventListener('stock', (e) => events.push(e as StockChangedEvent));
    const changes = state.applySnapshot(
      joinAck({
        products: [
          product({ available: 19, version: 8 }),
          product({ sku: 'scarf', title: 'Wool Scarf', available: 0, version: 6 }),
        ],
      }),
    );
    expect(state.product('mug')).toMatchObject({ available: 4, version: 10 });
    expect(changes).toEqual([{ sku: 'scarf', before: 3, after: 0 }]);
    expect(events).toHaveLength(1);
    expect(state.products.map((p) => p.sku)).toEqual(['mug', 'scarf']);
  });

  it('fires change after every mutation', () => {
    const state = joined();
    let changes = 0;
    state.addEventListener('change', () => changes++);
    state.setPinned(['mug']);
    state.setConnection('offline');
    state.setPending('mug', true);
    state.setNotice('mug', 'SOLD_OUT');
    state.addHold({ id: 'h1~mug', sku: 'mug', qty: 1, expiresAt: 1 });
    state.removeHold('h1~mug');
    expect(changes).toBe(6);
  });

  it('pins at most three known products', () => {
    const state = joined();
    state.setPinned(['lamp', 'ghost', 'mug', 'scarf', 'mug']);
    expect(state.pinned).toEqual(['lamp', 'mug', 'scarf']);
  });

  it('keeps the last chat messages, without duplicates', () => {
    const state = joined();
    for (let i = 0; i < CHAT_HISTORY + 5; i++) {
      state.addChat({ id: `m${i}`, eventId: 'demo', author: 'a', text: `${i}`, at: i, role: 'shopper' });
    }
    state.addChat({ id: 'm104', eventId: 'demo', author: 'a', text: 'again', at: 0, role: 'shopper' });
    expect(state.chat).toHaveLength(CHAT_HISTORY);
    expect(state.chat[0]!.id).toBe('m5');
  });

  it('removes a message a moderator deleted, and marks a drop on its product', () => {
    const state = joined();
    state.addChat({ id: 'keep', eventId: 'demo', author: 'a', text: 'hi', at: 1, role: 'shopper' });
    state.addChat({ id: 'spam', eventId: 'demo', author: 'b', text: 'spam', at: 2, role: 'shopper' });
    state.removeChat('spam');
    expect(state.chat.map((message) => message.id)).toEqual(['keep']);
    state.setOnSaleAt('mug', 12_345);
    expect(state.product('mug')?.onSaleAt).toBe(12_345);
    expect(state.products.find((product) => product.sku === 'mug')?.onSaleAt).toBe(12_345);
    state.setOnSaleAt('ghost', 1);
    expect(state.product('ghost')).toBeUndefined();
  });

  it("makes a snapshot's holds the ones shown, keeping holds placed after the join was sent", () => {
    const state = new ShopState();
    const hold = (id: string) => ({ id, sku: 'mug', qty: 1, expiresAt: Date.now() + 60_000 });
    const synced: HoldsSyncedEvent[] = [];
    state.addEventListener('holds', (e) => synced.push(e as HoldsSyncedEvent));

    // A reload: the page knows nothing, the server still holds one unit for this shopper.
    state.applySnapshot(joinAck({ holds: [hold('h1~mug')] }));
    expect(state.holds.map((h) => h.id)).toEqual(['h1~mug']);
    expect(synced.map((e) => [e.restored.map((h) => h.id), e.gone])).toEqual([[['h1~mug'], []]]);

    // A reconnect: h1 was released in another tab meanwhile; h2 was reserved while the join was on its way.
    const heldAtRequest = new Set(state.holds.map((h) => h.id));
    state.addHold(hold('h2~mug'));
    state.applySnapshot(joinAck({ holds: [] }), heldAtRequest);
    expect(state.holds.map((h) => h.id)).toEqual(['h2~mug']);
    expect(synced[1]!.gone.map((h) => h.id)).toEqual(['h1~mug']);

    // A snapshot without `holds` (an older server) leaves them alone.
    state.applySnapshot(joinAck());
    expect(state.holds.map((h) => h.id)).toEqual(['h2~mug']);
    expect(synced).toHaveLength(2);
  });

  it('reads the server clock through the measured offset', () => {
    const state = new ShopState();
    state.clockOffsetMs = 60_000;
    expect(state.serverNow() - Date.now()).toBeGreaterThanOrEqual(59_990);
  });
});
