import type { Ack } from '@liveshop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { joinAck, until } from '../test-support/fixtures.js';
import { SessionStore } from './session-store.js';
import { ShopConnection, type ShopSocket } from './shop-connection.js';
import { ShopState } from './shop-state.js';

type Handler = (...args: unknown[]) => void;

/** Stands in for the socket.io socket: the test plays the server. */
class FakeSocket {
  connected = false;
  auth: Record<string, unknown> = {};
  readonly emitted: { event: string; payload: Record<string, unknown> }[] = [];
  readonly answers = new Map<string, (payload: Record<string, unknown>) => unknown>();
  private readonly handlers = new Map<string, Handler[]>();

  constructor(private readonly authFn: (cb: (auth: Record<string, unknown>) => void) => void) {}

  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  timeout(ms: number) {
    return {
      emitWithAck: (event: string, payload: Record<string, unknown>) => {
        this.emitted.push({ event, payload });
        const answer = this.answers.get(event);
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));
        return Promise.race([answer ? Promise.resolve(answer(payload)) : timeout, timeout]);
      },
    };
  }
  connect() {}
  disconnect() {
    this.connected = false;
  }
  /** The server accepted the connection. */
  open() {
    this.authFn((auth) => (this.auth = auth));
    this.connected = true;
    this.fire('connect');
  }
  drop(reason = 'transport close') {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}

const memoryStorage = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
};

function setup(ackTimeoutMs = 50, checkoutTimeoutMs?: number, optOut?: () => boolean) {
  let socket!: FakeSocket;
  let url = '';
  const sessions = new SessionStore('test', memoryStorage());
  const connection = new ShopConnection({
    server: 'https://live.example.com/',
    ackTimeoutMs,
    checkoutTimeoutMs,
    sessions,
    ...(optOut && { optOut }),
    createSocket: (u, auth) => {
      url = u;
      socket = new FakeSocket(auth as never);
      return socket as unknown as ShopSocket;
    },
  });
  const state = new ShopState();
  connection.start(state, 'demo');
  socket.answers.set('join', () => ({ ok: true, ...joinAck() }));
  return { connection, state, socket: () => socket, sessions, url: () => url };
}

let active: ShopConnection | null = null;
afterEach(() => active?.stop());

describe('ShopConnection', () => {
  it('opens /shop on the server, joins on connect and applies the snapshot', async () => {
    const t = setup();
    active = t.connection;
    expect(t.url()).toBe('https://live.example.com/shop');
    expect(t.state.connection).toBe('connecting');
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online');
    expect(t.socket().emitted[0]).toEqual({ event: 'join', payload: { eventId: 'demo' } });
    expect(t.state.products).toHaveLength(3);
  });

  it('says in every join whether the viewer opted out of analytics, as it is at that join', async () => {
    let optedOut = true;
    const t = setup(50, undefined, () => optedOut);
    active = t.connection;
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online');
    expect(t.socket().emitted[0]).toEqual({ event: 'join', payload: { eventId: 'demo', optOut: true } });
    optedOut = false;
    t.socket().drop();
    t.socket().open();
    await until(() => t.socket().emitted.filter((e) => e.event === 'join').length === 2, 'second join');
    expect(t.socket().emitted.filter((e) => e.event === 'join')[1]).toEqual({
      event: 'join',
      payload: { eventId: 'demo' },
    });
  });

  it('gives the stored session to whoever sends beacons', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    expect(t.connection.session()).toBeUndefined();
    t.socket().fire('session', { session: 'signed-2', shopperId: 's2' });
    expect(t.connection.session()).toBe('signed-2');
  });

  it('stores the session the server issues and sends it on the next connection', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    expect(t.socket().auth).toEqual({});
    t.socket().fire('session', { session: 'signed-1', shopperId: 's1' });
    expect(t.sessions.get()).toBe('signed-1');
    t.socket().drop();
    t.socket().open();
    expect(t.socket().auth).toEqual({ session: 'signed-1' });
  });

  it('goes offline on disconnect, and re-joins and resyncs on reconnect', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online');
    t.socket().drop();
    expect(t.state.connection).toBe('offline');
    t.socket().answers.set('join', () => ({
      ok: true,
      ...joinAck({ products: [{ ...joinAck().products[0]!, available: 2, version: 50 }] }),
    }));
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online again');
    expect(t.socket().emitted.filter((e) => e.event === 'join')).toHaveLength(2);
    expect(t.state.product('mug')).toMatchObject({ available: 2, version: 50 });
  });

  it('on reconnect shows the holds the server lists and drops one released elsewhere', async () => {
    const t = setup();
    active = t.connection;
    const hold = (id: string) => ({ id, sku: 'mug', qty: 1, expiresAt: Date.now() + 60_000 });
    t.socket().answers.set('join', () => ({ ok: true, ...joinAck({ holds: [hold('h1~mug')] }) }));
    t.socket().open();
    await until(() => t.state.holds.length === 1, 'restored hold');
    t.socket().drop();
    t.socket().answers.set('join', () => ({ ok: true, ...joinAck({ holds: [hold('h2~mug')] }) }));
    t.socket().open();
    await until(() => t.state.holds[0]?.id === 'h2~mug', 'synced holds');
    expect(t.state.holds.map((h) => h.id)).toEqual(['h2~mug']);
  });

  it('applies pushes for its event only, in version order', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online');
    t.socket().fire('stock', { eventId: 'demo', items: [{ sku: 'mug', available: 7, version: 3 }] });
    t.socket().fire('stock', { eventId: 'demo', items: [{ sku: 'mug', available: 9, version: 2 }] });
    t.socket().fire('stock', { eventId: 'other', items: [{ sku: 'mug', available: 1, version: 99 }] });
    t.socket().fire('pinned', { eventId: 'demo', skus: ['lamp'] });
    t.socket().fire('status', { eventId: 'demo', status: 'ended' });
    expect(t.state.product('mug')).toMatchObject({ available: 7, version: 3 });
    expect(t.state.pinned).toEqual(['lamp']);
    expect(t.state.event?.status).toBe('ended');
  });

  it('takes a fresh snapshot when a push brings a new stock generation, dropping holds the server lost', async () => {
    const t = setup();
    active = t.connection;
    const hold = { id: 'h1~mug', sku: 'mug', qty: 1, expiresAt: Date.now() + 60_000 };
    t.socket().answers.set('join', () => ({ ok: true, ...joinAck({ holds: [hold], pinned: ['scarf'] }) }));
    t.socket().open();
    await until(() => t.state.holds.length === 1, 'hold shown');
    const joins = () => t.socket().emitted.filter((e) => e.event === 'join').length;

    // Same generation: an ordinary push, no new snapshot.
    t.socket().fire('stock', { eventId: 'demo', items: [{ sku: 'mug', available: 19, version: 2, generation: 0 }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(joins()).toBe(1);

    // Redis lost the event and it was restored: holds and pins are gone on the server.
    const restored = joinAck({
      holds: [],
      pinned: [],
      products: joinAck().products.map((p) => ({ ...p, version: 1, generation: 3 })),
    });
    t.socket().answers.set('join', () => ({ ok: true, ...restored }));
    t.socket().fire('stock', { eventId: 'demo', items: [{ sku: 'mug', available: 20, version: 1, generation: 3 }] });
    await until(() => joins() === 2, 'a second join');
    await until(() => t.state.holds.length === 0, 'lost hold dropped');
    expect(t.state.pinned).toEqual([]);
    expect(t.state.products.every((p) => p.generation === 3 && p.version === 1)).toBe(true);
  });

  it('marks a missing event and does not retry', async () => {
    const t = setup();
    active = t.connection;
    t.socket().answers.set('join', () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no such event' } }));
    t.socket().open();
    await until(() => t.state.joinError === 'NOT_FOUND', 'join error');
  });

  it('retries a timed-out reserve with the same idempotency key, so it can only take one unit', async () => {
    const t = setup(30);
    active = t.connection;
    t.socket().open();
    await until(() => t.state.connection === 'online', 'online');
    let calls = 0;
    t.socket().answers.set('reserve', (payload) => {
      calls++;
      // The first two acks are "lost": the server got the request but the answer never arrives.
      if (calls < 3) return new Promise(() => undefined);
      return { ok: true, hold: { id: 'h1~mug', sku: payload.sku, qty: 1, expiresAt: 1 }, available: 5 };
    });
    const ack = await t.connection.reserve('mug', 1);
    expect(ack.ok).toBe(true);
    const keys = t
      .socket()
      .emitted.filter((e) => e.event === 'reserve')
      .map((e) => e.payload.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(t.socket().emitted.at(-1)!.payload).toMatchObject({ eventId: 'demo', sku: 'mug', qty: 1 });
  });

  it('uses a new idempotency key for each tap', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    t.socket().answers.set('reserve', () => ({ ok: false, error: { code: 'SOLD_OUT', message: 'sold out' } }));
    const first: Ack = await t.connection.reserve('mug', 1);
    await t.connection.reserve('mug', 1);
    expect(first).toEqual({ ok: false, error: { code: 'SOLD_OUT', message: 'sold out' } });
    const keys = t
      .socket()
      .emitted.filter((e) => e.event === 'reserve')
      .map((e) => e.payload.idempotencyKey);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('reports UNAVAILABLE when no ack ever comes, and never re-sends a chat message', async () => {
    const t = setup(20);
    active = t.connection;
    t.socket().open();
    const reserve = await t.connection.reserve('mug', 1);
    expect(reserve).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    const chat = await t.connection.sendChat('hello');
    expect(chat).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(t.socket().emitted.filter((e) => e.event === 'chat:send')).toHaveLength(1);
  });

  it('sends release with the event and an idempotency key', async () => {
    const t = setup();
    active = t.connection;
    t.socket().open();
    t.socket().answers.set('release', (payload) => ({ ok: true, holdId: payload.holdId, available: 3 }));
    await t.connection.release('h1~mug');
    expect(t.socket().emitted.at(-1)).toMatchObject({
      event: 'release',
      payload: { holdId: 'h1~mug', eventId: 'demo', idempotencyKey: expect.any(String) },
    });
  });

  it('sends a checkout for the joined event, waits longer for a payment, and retries it with the same key', async () => {
    const t = setup(10, 60);
    active = t.connection;
    t.socket().open();
    let calls = 0;
    t.socket().answers.set('checkout', (payload) => {
      calls++;
      // The first ack is lost; the second comes after longer than a reserve would wait (a slow card).
      if (calls === 1) return new Promise(() => undefined);
      return new Promise((resolve) =>
        setTimeout(
          () => resolve({ ok: false, error: { code: 'PAYMENT_DECLINED', message: String(payload.holdIds) } }),
          30,
        ),
      );
    });
    const payload = {
      holdIds: ['h1~mug'],
      idempotencyKey: 'w-key-1',
      customer: { email: 'ada@example.com' },
      fulfilment: { type: 'pickup' as const, locationId: 'soho' },
      payment: { provider: 'test' as const, card: '4000 0000 0000 0002' },
    };
    const ack = await t.connection.checkout(payload);
    expect(ack).toEqual({ ok: false, error: { code: 'PAYMENT_DECLINED', message: 'h1~mug' } });
    const sent = t.socket().emitted.filter((e) => e.event === 'checkout');
    expect(sent).toHaveLength(2);
    for (const e of sent) expect(e.payload).toEqual({ ...payload, eventId: 'demo' });
  });
});
