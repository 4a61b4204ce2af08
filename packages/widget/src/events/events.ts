import type { HoldEndReason, OrderView } from '@liveshop/protocol';

/**
 * The DOM events `<live-shop>` fires for the merchant's page. Every event bubbles and is
 * `composed`, so a listener on `document` hears it no matter how deep the widget sits in other
 * shadow roots.
 */

/** What a hold event carries: enough for a merchant's cart to show and later commit the hold. */
export interface HoldDetail {
  eventId: string;
  sku: string;
  qty: number;
  holdId: string;
  /** Epoch milliseconds on the server clock. */
  expiresAt: number;
}

const init = { bubbles: true, composed: true } as const;

/**
 * A unit is held for the shopper: Buy Now succeeded, or (`restored: true`) the widget found a hold
 * placed earlier, before a page reload or in another tab, when it joined the event.
 */
export class LiveShopHoldEvent extends Event {
  static readonly eventName = 'live-shop-hold';
  constructor(readonly detail: HoldDetail & { restored?: true }) {
    super(LiveShopHoldEvent.eventName, init);
  }
}

/** Why a hold ended: given back, run out, or bought (`purchased`, by the built-in checkout). */
export type HoldReleaseReason = HoldEndReason;

/** A hold ended: the shopper released it, its time ran out, or the shopper bought it. */
export class LiveShopHoldReleasedEvent extends Event {
  static readonly eventName = 'live-shop-hold-released';
  constructor(readonly detail: HoldDetail & { reason: HoldReleaseReason }) {
    super(LiveShopHoldReleasedEvent.eventName, init);
  }
}

/**
 * The shopper asked to check out a hold. Cancelable: a merchant that hands off to its own cart
 * calls `preventDefault()`, and the widget then opens nothing itself.
 */
export class LiveShopCheckoutEvent extends Event {
  static readonly eventName = 'live-shop-checkout';
  constructor(readonly detail: HoldDetail) {
    super(LiveShopCheckoutEvent.eventName, { ...init, cancelable: true });
  }
}

/** An order the shopper placed in the widget's checkout, as the server confirmed it. */
export interface OrderDetail {
  eventId: string;
  /** The holds the order bought; each also ends with `live-shop-hold-released`, reason `purchased`. */
  holdIds: string[];
  order: OrderView;
}

/** The built-in checkout completed: the order is confirmed and paid for. */
export class LiveShopOrderEvent extends Event {
  static readonly eventName = 'live-shop-order';
  constructor(readonly detail: OrderDetail) {
    super(LiveShopOrderEvent.eventName, init);
  }
}

/** A product the shopper can see has just sold out (fired once per sell-out, not per update). */
export class LiveShopSoldOutEvent extends Event {
  static readonly eventName = 'live-shop-sold-out';
  constructor(readonly detail: { eventId: string; sku: string; title: string }) {
    super(LiveShopSoldOutEvent.eventName, init);
  }
}

export interface LiveShopEventMap {
  'live-shop-hold': LiveShopHoldEvent;
  'live-shop-hold-released': LiveShopHoldReleasedEvent;
  'live-shop-checkout': LiveShopCheckoutEvent;
  'live-shop-sold-out': LiveShopSoldOutEvent;
  'live-shop-order': LiveShopOrderEvent;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'live-shop-hold': LiveShopHoldEvent;
    'live-shop-hold-released': LiveShopHoldReleasedEvent;
    'live-shop-checkout': LiveShopCheckoutEvent;
    'live-shop-sold-out': LiveShopSoldOutEvent;
    'live-shop-order': LiveShopOrderEvent;
  }
}
