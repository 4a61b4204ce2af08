import type { Ack, CheckoutAck, CheckoutPayload, HoldView } from '@liveshop/protocol';
import { LiveShopOrderEvent, type HoldReleaseReason } from '../events/events.js';
import type { Translation } from '../i18n/strings.js';
import type { ShopClient } from '../store/shop-client.js';
import type { ShopState } from '../store/shop-state.js';
import { LiveShopCheckoutDialog } from './checkout-dialog.js';
import type { CheckoutSubmitRequestEvent } from './checkout-requests.js';

/** What the built-in checkout needs from `<live-shop>`. */
export interface CheckoutHost extends EventTarget {
  readonly state: ShopState;
  event: string;
  server: string;
  translations: Translation | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The parts of `<live-shop>` that are not public: its connection and how it ends a hold. */
export interface CheckoutAccess {
  client: () => ShopClient | null;
  endHold: (hold: HoldView, reason: HoldReleaseReason) => void;
}

const dialogs = new WeakMap<CheckoutHost, LiveShopCheckoutDialog>();

/**
 * Opens `<live-shop-checkout-dialog>` for a hold inside the widget's shadow root (one per widget,
 * kept in step with the widget's state while it lives). Focus returns to what had it, or to
 * `fallback` when that is gone. This module loads on first use, so none of it is in the core script.
 */
export async function openCheckout(
  host: CheckoutHost,
  access: CheckoutAccess,
  hold: HoldView,
  fallback: HTMLElement | null,
): Promise<void> {
  let dialog = dialogs.get(host);
  if (!dialog) {
    const created = new LiveShopCheckoutDialog();
    dialog = created;
    dialogs.set(host, created);
    created.setAttribute('part', 'checkout');
    created.setAttribute('exportparts', 'dialog: checkout-dialog, pay-button: checkout-pay-button');
    created.addEventListener('ls-checkout-submit', (event: CheckoutSubmitRequestEvent) => {
      event.stopPropagation();
      event.result = placeOrder(host, access, event.payload);
    });
    host.state.addEventListener('change', () => sync(host, created));
    host.renderRoot.append(created);
  }
  dialog.hold = hold;
  sync(host, dialog);
  await dialog.show(null, fallback);
}

/** The dialog's hold, product, countdown and texts as the widget has them now. */
function sync(host: CheckoutHost, dialog: LiveShopCheckoutDialog): void {
  const { state } = host;
  const hold = dialog.hold;
  if (!hold) return;
  Object.assign(dialog, {
    product: state.product(hold.sku),
    held: state.holds.some((h) => h.id === hold.id),
    eventId: host.event,
    server: host.server,
    overrides: host.translations?.checkoutDialog,
    errorOverrides: host.translations?.errors,
    clockOffsetMs: state.clockOffsetMs,
    holdTtlSeconds: state.event?.holdTtlSeconds ?? 0,
  });
}

/**
 * Sends a checkout over the widget's connection; on success fires `live-shop-order` from the
 * widget and ends the holds as `purchased`. A hold the server no longer has (`HOLD_EXPIRED`,
 * `HOLD_NOT_FOUND`) ends as well, so the widget stops showing it.
 */
export async function placeOrder(
  host: CheckoutHost,
  access: CheckoutAccess,
  payload: Omit<CheckoutPayload, 'eventId'>,
): Promise<Ack<CheckoutAck>> {
  const client = access.client();
  const { holdIds } = payload;
  const { paying } = host.state;
  const holds = host.state.holds.filter((h) => holdIds.includes(h.id));
  // While the server decides, a hold's timer running out does not end it (the server extended it
  // for the payment): the answer does.
  for (const hold of holds) paying.set(hold.id, false);
  /** Ends the wait; resolves to the holds whose time ran out during it. */
  const settle = () => {
    const ranOut = holds.filter((hold) => paying.get(hold.id));
    for (const hold of holds) paying.delete(hold.id);
    return ranOut;
  };
  let ack: Ack<CheckoutAck>;
  try {
    ack = client?.checkout
      ? await client.checkout(payload)
      : { ok: false, error: { code: 'UNAVAILABLE', message: 'this connection offers no checkout' } };
  } catch (error) {
    for (const hold of settle()) access.endHold(hold, 'expired');
    throw error;
  }
  const ranOut = settle();
  if (ack.ok) {
    host.dispatchEvent(new LiveShopOrderEvent({ eventId: host.event, holdIds, order: ack.order }));
    for (const hold of holds) access.endHold(hold, 'purchased');
  } else if (ack.error.code === 'HOLD_EXPIRED' || ack.error.code === 'HOLD_NOT_FOUND') {
    for (const hold of holds) access.endHold(hold, ack.error.code === 'HOLD_EXPIRED' ? 'expired' : 'released');
  } else {
    // Not bought, and its time ran out meanwhile: it ends now, as it would have without the checkout.
    for (const hold of ranOut) access.endHold(hold, 'expired');
  }
  return ack;
}
