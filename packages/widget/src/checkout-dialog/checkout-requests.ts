import type { Ack } from '@liveshop/protocol';
import type { CheckoutAck, CheckoutPayload } from '@liveshop/protocol';

/**
 * The checkout dialog asks `<live-shop>`, which owns the connection, to send a `checkout`.
 * Whoever handles it sets `result` to the server's answer. It bubbles and is composed like the
 * other requests, and `<live-shop>` stops it at its boundary. Matched by its name, so the core
 * script listens for it without loading the dialog's code.
 */
export class CheckoutSubmitRequestEvent extends Event {
  static readonly eventName = 'ls-checkout-submit';
  result: Promise<Ack<CheckoutAck>> | undefined;
  constructor(readonly payload: Omit<CheckoutPayload, 'eventId'>) {
    super(CheckoutSubmitRequestEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ls-checkout-submit': CheckoutSubmitRequestEvent;
  }
}
