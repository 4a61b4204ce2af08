import type { Ack, ChatMessage, CheckoutAck, CheckoutPayload, ReleaseAck, ReserveAck } from '@liveshop/protocol';
import type { ShopState } from './shop-state.js';

/**
 * What `<live-shop>` needs from a connection to the server. {@link ShopConnection} is the real
 * one; a page (or a test) can hand the element another through its `client` property.
 */
export interface ShopClient {
  /** Connects, joins `eventId` and keeps `state` current until {@link stop}. */
  start(state: ShopState, eventId: string): void;
  stop(): void;
  /** Reserves `qty` units; one call is one tap, however often it is retried underneath. */
  reserve(sku: string, qty: number): Promise<Ack<ReserveAck>>;
  release(holdId: string): Promise<Ack<ReleaseAck>>;
  sendChat(text: string): Promise<Ack<{ message: ChatMessage }>>;
  /**
   * Buys holds of the joined event (the built-in checkout). Retried underneath with the same
   * idempotency key, so one call never pays twice. A client without it offers no built-in checkout.
   */
  checkout?(payload: Omit<CheckoutPayload, 'eventId'>): Promise<Ack<CheckoutAck>>;
  /** The shopper's session token, which analytics beacons carry; a client without it sends none. */
  session?(): string | undefined;
}
