import type {
  Ack,
  ChatMessage,
  CheckoutAck,
  CheckoutPayload,
  ErrorCode,
  JoinAck,
  ReleaseAck,
  ReserveAck,
  ShopAuth,
  ShopClientToServerEvents,
  ShopServerToClientEvents,
} from '@liveshop/protocol';
import { io, type Socket } from 'socket.io-client';
import { newIdempotencyKey } from './idempotency-key.js';
import { SessionStore } from './session-store.js';
import type { ShopClient } from './shop-client.js';
import type { ShopState } from './shop-state.js';

export type ShopSocket = Socket<ShopServerToClientEvents, ShopClientToServerEvents>;

export interface ShopConnectionOptions {
  /** Origin of the Liveshop server; empty means the page's own origin. */
  server: string;
  /** How long to wait for one ack before retrying or giving up. */
  ackTimeoutMs?: number;
  /** How often a timed-out reserve, release or checkout is sent again with the same idempotency key. */
  retries?: number;
  /** How long to wait for a checkout's ack: a payment may take seconds. */
  checkoutTimeoutMs?: number;
  sessions?: SessionStore;
  /** Whether the viewer opted out of analytics; asked at every join. */
  optOut?: () => boolean;
  /** Opens the socket; the default is socket.io over WebSocket only. */
  createSocket?: (url: string, auth: (cb: (auth: ShopAuth) => void) => void) => ShopSocket;
}

/** Marks the join ack in the performance timeline, so the time to the first painted card can be measured. */
export const JOIN_ACK_MARK = 'live-shop:join-ack';

const unavailable = (message: string): { ok: false; error: { code: ErrorCode; message: string } } => ({
  ok: false,
  error: { code: 'UNAVAILABLE', message },
});

/**
 * The real {@link ShopClient}: one socket.io connection to `/shop`. It reuses the stored session,
 * joins on every (re)connect and applies the snapshot, so a shopper who lost the network sees
 * current stock again; it marks the state offline meanwhile. A push of a new stock generation
 * (the server restored the event) also brings a fresh snapshot. Reserve and release retry on a
 * timeout with the same idempotency key, so a lost ack never turns into two holds.
 */
export class ShopConnection implements ShopClient {
  private socket: ShopSocket | null = null;
  private eventId: string | null = null;
  private joinTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ackTimeoutMs: number;
  private readonly retries: number;
  private readonly sessions: SessionStore;

  constructor(private readonly options: ShopConnectionOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.sessions = options.sessions ?? new SessionStore(`liveshop:session:${options.server || location.origin}`);
  }

  start(state: ShopState, eventId: string): void {
    this.stop();
    this.eventId = eventId;
    const auth = (cb: (auth: ShopAuth) => void) => {
      const session = this.sessions.get();
      cb(session ? { session } : {});
    };
    const url = `${this.options.server.replace(/\/$/, '')}/shop`;
    const socket = (this.options.createSocket ?? defaultSocket)(url, auth);
    this.socket = socket;
    state.setConnection('connecting');

    socket.on('session', ({ session }) => this.sessions.set(session));
    socket.on('connect', () => void this.join(socket, state, eventId, 0));
    socket.on('disconnect', (reason) => {
      clearTimeout(this.joinTimer);
      state.setConnection('offline');
      // The server closed us on purpose (e.g. a deploy); socket.io only retries on its own otherwise.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', () => state.setConnection('offline'));
    socket.on('stock', (message) => {
      if (message.eventId !== eventId) return;
      const generation = state.generation;
      state.applyStock(message.items);
      // A new stock generation: the server restored the event after losing its live state, and
      // holds and pins may be gone with it. A fresh snapshot brings everything in line.
      if (state.generation > generation) void this.join(socket, state, eventId, 0);
    });
    socket.on('pinned', (message) => {
      if (message.eventId === eventId) state.setPinned(message.skus);
    });
    socket.on('status', (message) => {
      if (message.eventId === eventId) state.setEventStatus(message.status);
    });
    socket.on('chat', (message) => {
      if (message.eventId === eventId) state.addChat(message);
    });
    socket.on('chat:deleted', (message) => {
      if (message.eventId === eventId) state.removeChat(message.messageId);
    });
    socket.on('drop', (message) => {
      if (message.eventId === eventId) state.setOnSaleAt(message.sku, message.startsAt);
    });
  }

  session(): string | undefined {
    return this.sessions.get();
  }

  stop(): void {
    clearTimeout(this.joinTimer);
    this.socket?.disconnect();
    this.socket = null;
  }

  async reserve(sku: string, qty: number): Promise<Ack<ReserveAck>> {
    const eventId = this.eventIdOrThrow();
    const idempotencyKey = newIdempotencyKey();
    return this.withRetries(() => this.socketOrThrow().emitWithAck('reserve', { eventId, sku, qty, idempotencyKey }));
  }

  async release(holdId: string): Promise<Ack<ReleaseAck>> {
    const eventId = this.eventIdOrThrow();
    const idempotencyKey = newIdempotencyKey();
    return this.withRetries(() => this.socketOrThrow().emitWithAck('release', { holdId, idempotencyKey, eventId }));
  }

  async sendChat(text: string): Promise<Ack<{ message: ChatMessage }>> {
    const eventId = this.eventIdOrThrow();
    // Chat is not idempotent on the server, so a timed-out message is reported, never re-sent.
    return this.withRetries(() => this.socketOrThrow().emitWithAck('chat:send', { eventId, text }), 0);
  }

  async checkout(payload: Omit<CheckoutPayload, 'eventId'>): Promise<Ack<CheckoutAck>> {
    const eventId = this.eventIdOrThrow();
    const timeout = this.options.checkoutTimeoutMs ?? 30_000;
    return this.withRetries(() => this.socketOrThrow(timeout).emitWithAck('checkout', { ...payload, eventId }));
  }

  private async join(socket: ShopSocket, state: ShopState, eventId: string, attempt: number): Promise<void> {
    const sentAt = Date.now();
    const heldAtRequest = new Set(state.holds.map((hold) => hold.id));
    let ack: Ack<JoinAck>;
    try {
      const optOut = this.options.optOut?.() === true;
      ack = await socket.timeout(this.ackTimeoutMs).emitWithAck('join', optOut ? { eventId, optOut } : { eventId });
    } catch {
      ack = unavailable('join timed out');
    }
    if (socket !== this.socket || !socket.connected) return;
    if (ack.ok) {
      performance.mark(JOIN_ACK_MARK);
      // The server's clock read half a round trip before the ack arrived.
      state.clockOffsetMs = ack.serverTime - (sentAt + Date.now()) / 2;
      state.applySnapshot(ack, heldAtRequest);
      state.setConnection('online');
      return;
    }
    if (ack.error.code === 'NOT_FOUND' || ack.error.code === 'INVALID_INPUT') {
      state.setJoinError(ack.error.code);
      return;
    }
    const delay = Math.min(30_000, 500 * 2 ** attempt);
    this.joinTimer = setTimeout(() => void this.join(socket, state, eventId, attempt + 1), delay);
  }

  private async withRetries<T extends object>(send: () => Promise<Ack<T>>, retries = this.retries): Promise<Ack<T>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch {
        if (attempt >= retries) return unavailable('no answer from the server');
      }
    }
  }

  private socketOrThrow(timeoutMs = this.ackTimeoutMs) {
    if (!this.socket) throw new Error('not started');
    return this.socket.timeout(timeoutMs);
  }

  private eventIdOrThrow(): string {
    if (!this.eventId) throw new Error('not started');
    return this.eventId;
  }
}

function defaultSocket(url: string, auth: (cb: (auth: ShopAuth) => void) => void): ShopSocket {
  return io(url, {
    transports: ['websocket'],
    auth,
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
  });
}
