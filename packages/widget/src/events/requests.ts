import type { Ack } from '@liveshop/protocol';

/**
 * Requests the parts send up to `<live-shop>`, which owns the connection. They bubble and are
 * composed so they cross the parts' own shadow roots; `<live-shop>` stops them at its boundary,
 * so the merchant's page never sees them.
 */
const init = { bubbles: true, composed: true } as const;

/** Buy Now was pressed on a product (a card, the pinned overlay or the details dialog). */
export class BuyRequestEvent extends Event {
  static readonly eventName = 'ls-buy';
  constructor(readonly sku: string) {
    super(BuyRequestEvent.eventName, init);
  }
}

/** The shopper wants to give a held unit back. */
export class ReleaseRequestEvent extends Event {
  static readonly eventName = 'ls-release';
  constructor(readonly holdId: string) {
    super(ReleaseRequestEvent.eventName, init);
  }
}

/** The shopper wants to pay for a hold. */
export class CheckoutRequestEvent extends Event {
  static readonly eventName = 'ls-checkout';
  constructor(readonly holdId: string) {
    super(CheckoutRequestEvent.eventName, init);
  }
}

/** A chat message to send. Whoever handles it sets `result` to the server's answer. */
export class ChatSendRequestEvent extends Event {
  static readonly eventName = 'ls-chat-send';
  result: Promise<Ack> | undefined;
  constructor(readonly text: string) {
    super(ChatSendRequestEvent.eventName, init);
  }
}

/** Open the details dialog of a product. */
export class DetailsRequestEvent extends Event {
  static readonly eventName = 'ls-details';
  constructor(readonly sku: string) {
    super(DetailsRequestEvent.eventName, init);
  }
}

export interface RequestEventMap {
  'ls-buy': BuyRequestEvent;
  'ls-release': ReleaseRequestEvent;
  'ls-checkout': CheckoutRequestEvent;
  'ls-chat-send': ChatSendRequestEvent;
  'ls-details': DetailsRequestEvent;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ls-buy': BuyRequestEvent;
    'ls-release': ReleaseRequestEvent;
    'ls-checkout': CheckoutRequestEvent;
    'ls-chat-send': ChatSendRequestEvent;
    'ls-details': DetailsRequestEvent;
  }
}
