import type {
  Ack,
  ChatMessage,
  CheckoutAck,
  CheckoutPayload,
  JoinAck,
  ReleaseAck,
  ReserveAck,
} from '@liveshop/protocol';
import type { ShopClient } from '../store/shop-client.js';
import type { ShopState } from '../store/shop-state.js';

type Answer<T extends object> = (call: { sku?: string; holdId?: string; text?: string }) => Promise<Ack<T>> | Ack<T>;

/**
 * A {@link ShopClient} that answers from functions the test sets, and records every call. Its
 * `state` is the widget's own, so a test pushes stock or chat exactly as the connection would.
 */
export class FakeClient implements ShopClient {
  state!: ShopState;
  eventId = '';
  stopped = false;
  readonly calls: { method: string; args: unknown[] }[] = [];
  onReserve: Answer<ReserveAck> = ({ sku }) => ({
    ok: true,
    hold: { id: `h1~${sku}`, sku: sku!, qty: 1, expiresAt: Date.now() + 300_000 },
    available: 1,
  });
  onRelease: Answer<ReleaseAck> = ({ holdId }) => ({ ok: true, holdId: holdId!, available: 1 });
  onChat: Answer<{ message: ChatMessage }> = ({ text }) => ({
    ok: true,
    message: {
      id: `m${this.calls.length}`,
      eventId: this.eventId,
      author: 'You',
      text: text!,
      at: Date.now(),
      role: 'shopper',
    },
  });

  onCheckout: (payload: Omit<CheckoutPayload, 'eventId'>) => Promise<Ack<CheckoutAck>> | Ack<CheckoutAck> = (
    payload,
  ) => ({
    ok: true,
    order: {
      id: 'ord_1',
      number: 1001,
      status: 'confirmed',
      currency: 'USD',
      totalCents: 2400,
      lines: [{ sku: 'mug', title: 'Stoneware Mug', qty: 1, unitPriceCents: 2400 }],
      fulfilment: payload.fulfilment,
    },
  });

  constructor(private readonly snapshot?: JoinAck) {}

  start(state: ShopState, eventId: string): void {
    this.state = state;
    this.eventId = eventId;
    this.calls.push({ method: 'start', args: [eventId] });
    if (this.snapshot) {
      state.clockOffsetMs = this.snapshot.serverTime - Date.now();
      state.applySnapshot(this.snapshot);
      state.setConnection('online');
    }
  }

  stop(): void {
    this.stopped = true;
  }

  async reserve(sku: string, qty: number): Promise<Ack<ReserveAck>> {
    this.calls.push({ method: 'reserve', args: [sku, qty] });
    return this.onReserve({ sku });
  }

  async release(holdId: string): Promise<Ack<ReleaseAck>> {
    this.calls.push({ method: 'release', args: [holdId] });
    return this.onRelease({ holdId });
  }

  async checkout(payload: Omit<CheckoutPayload, 'eventId'>): Promise<Ack<CheckoutAck>> {
    this.calls.push({ method: 'checkout', args: [payload] });
    return this.onCheckout(payload);
  }

  async sendChat(text: string): Promise<Ack<{ message: ChatMessage }>> {
    this.calls.push({ method: 'sendChat', args: [text] });
    return this.onChat({ text });
  }
}
