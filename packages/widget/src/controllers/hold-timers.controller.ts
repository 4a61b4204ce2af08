import type { HoldView } from '@liveshop/protocol';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * One timer per hold, firing when the server's clock passes the hold's expiry. The host's
 * disconnect clears them all.
 */
export class HoldTimersController implements ReactiveController {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    host: ReactiveControllerHost,
    /** The server's clock, in ms. */
    private readonly serverNow: () => number,
    private readonly onExpire: (hold: HoldView) => void,
  ) {
    host.addController(this);
  }

  /** (Re)starts the hold's timer. */
  schedule(hold: HoldView): void {
    this.cancel(hold.id);
    const delay = Math.max(0, hold.expiresAt - this.serverNow());
    this.timers.set(
      hold.id,
      setTimeout(() => {
        this.timers.delete(hold.id);
        this.onExpire(hold);
      }, delay),
    );
  }

  cancel(holdId: string): void {
    clearTimeout(this.timers.get(holdId));
    this.timers.delete(holdId);
  }

  hostDisconnected(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
