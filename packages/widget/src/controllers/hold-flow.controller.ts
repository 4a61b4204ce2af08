import type { HoldView } from '@liveshop/protocol';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  LiveShopCheckoutEvent,
  LiveShopHoldEvent,
  LiveShopHoldReleasedEvent,
  type HoldDetail,
  type HoldReleaseReason,
} from '../events/events.js';
import type { BuyRequestEvent, CheckoutRequestEvent, ReleaseRequestEvent } from '../events/requests.js';
import type { Strings } from '../i18n/strings.js';
import type { ShopClient } from '../store/shop-client.js';
import type { HoldsSyncedEvent, ShopState } from '../store/shop-state.js';
import { HoldTimersController } from './hold-timers.controller.js';

/** What the hold flow needs from the element it runs in. */
export interface HoldFlowOptions {
  state: ShopState;
  /** The joined event's id, for the events' `detail`. */
  eventId: () => string;
  /** The running connection, null while none is. */
  client: () => ShopClient | null;
  strings: () => Strings;
  /** Says a sentence in the widget's live region. */
  announce: (message: string) => void;
  /** Starts the in-widget checkout when the page did not cancel `live-shop-checkout`. */
  openCheckout: (hold: HoldView) => void;
}

/**
 * Buy → hold → release, expiry or checkout (a purchase ends the hold through {@link endHold}). Handles the parts' `ls-buy`, `ls-release` and
 * `ls-checkout` requests, keeps one expiry timer per hold, and fires the public
 * `live-shop-hold`, `live-shop-hold-released` and `live-shop-checkout` events from the host.
 */
export class HoldFlowController implements ReactiveController {
  private readonly timers: HoldTimersController;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly options: HoldFlowOptions,
  ) {
    host.addController(this);
    const { state } = options;
    this.timers = new HoldTimersController(
      host,
      () => state.serverNow(),
      (hold) => {
        if (state.paying.has(hold.id)) state.paying.set(hold.id, true);
        else if (state.holds.some((h) => h.id === hold.id)) this.endHold(hold, 'expired');
      },
    );
  }

  hostConnected(): void {
    this.options.state.addEventListener('holds', this.onHoldsSynced);
  }

  hostDisconnected(): void {
    this.options.state.removeEventListener('holds', this.onHoldsSynced);
  }

  readonly onBuy = async (event: BuyRequestEvent): Promise<void> => {
    event.stopPropagation();
    const { state } = this.options;
    const client = this.options.client();
    const { sku } = event;
    if (!client || state.pending.has(sku)) return;
    state.setNotice(sku, null);
    state.setPending(sku, true);
    const ack = await client.reserve(sku, 1);
    state.setPending(sku, false);
    if (!ack.ok) {
      state.setNotice(sku, ack.error.code);
      return;
    }
    if (ack.version !== undefined) {
      state.applyStock([{ sku, available: ack.available, version: ack.version, generation: ack.generation }]);
    }
    state.addHold(ack.hold);
    this.timers.schedule(ack.hold);
    this.options.announce(this.options.strings().holdPlaced(this.titleOf(sku)));
    this.host.dispatchEvent(new LiveShopHoldEvent(this.detail(ack.hold)));
  };

  readonly onRelease = async (event: ReleaseRequestEvent): Promise<void> => {
    event.stopPropagation();
    const { state } = this.options;
    const client = this.options.client();
    const hold = state.holds.find((h) => h.id === event.holdId);
    if (!hold || !client) return;
    const ack = await client.release(hold.id);
    if (ack.ok && ack.version !== undefined) {
      state.applyStock([{ sku: hold.sku, available: ack.available, version: ack.version, generation: ack.generation }]);
    }
    // Gone on the server already (expired, released elsewhere): either way it is no longer held.
    if (!ack.ok && ack.error.code !== 'HOLD_NOT_FOUND' && ack.error.code !== 'HOLD_EXPIRED') {
      state.setNotice(hold.sku, ack.error.code);
      return;
    }
    this.endHold(hold, 'released');
  };

  readonly onCheckout = (event: CheckoutRequestEvent): void => {
    event.stopPropagation();
    const hold = this.options.state.holds.find((h) => h.id === event.holdId);
    if (!hold) return;
    const checkout = new LiveShopCheckoutEvent(this.detail(hold));
    this.host.dispatchEvent(checkout);
    if (!checkout.defaultPrevented) this.options.openCheckout(hold);
  };

  /** Holds the join snapshot brought back get their expiry; ones it no longer lists have ended. */
  private readonly onHoldsSynced = (event: Event): void => {
    const { state } = this.options;
    const synced = event as HoldsSyncedEvent;
    for (const hold of synced.restored) {
      this.timers.schedule(hold);
      this.host.dispatchEvent(new LiveShopHoldEvent({ ...this.detail(hold), restored: true }));
    }
    for (const hold of synced.gone) {
      this.timers.cancel(hold.id);
      const reason = hold.expiresAt <= state.serverNow() ? 'expired' : 'released';
      this.host.dispatchEvent(new LiveShopHoldReleasedEvent({ ...this.detail(hold), reason }));
    }
  };

  /** Ends a hold: stops its timer, takes it off the list, says so and fires `live-shop-hold-released`. */
  endHold(hold: HoldView, reason: HoldReleaseReason): void {
    this.timers.cancel(hold.id);
    if (!this.options.state.removeHold(hold.id)) return;
    const title = this.titleOf(hold.sku);
    const s = this.options.strings();
    // A purchase is announced by the checkout's confirmation.
    if (reason !== 'purchased')
      this.options.announce(reason === 'expired' ? s.holdExpired(title) : s.holdReleased(title));
    this.host.dispatchEvent(new LiveShopHoldReleasedEvent({ ...this.detail(hold), reason }));
  }

  private detail(hold: HoldView): HoldDetail {
    return {
      eventId: this.options.eventId(),
      sku: hold.sku,
      qty: hold.qty,
      holdId: hold.id,
      expiresAt: hold.expiresAt,
    };
  }

  private titleOf(sku: string): string {
    return this.options.state.product(sku)?.title ?? sku;
  }
}
