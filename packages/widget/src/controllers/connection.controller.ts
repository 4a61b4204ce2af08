import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ShopConnection } from '../store/shop-connection.js';
import { serverBaseUrl } from '../store/server-urls.js';
import type { ShopClient } from '../store/shop-client.js';
import type { ShopState } from '../store/shop-state.js';

/**
 * The widget's one live connection: started for an event, replaced when the event, server or
 * client changes, stopped when the host leaves the page.
 */
export class ConnectionController implements ReactiveController {
  private active: ShopClient | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly state: ShopState,
  ) {
    host.addController(this);
  }

  /** The running connection; null while no event is joined. */
  get client(): ShopClient | null {
    return this.active;
  }

  /** Stops the running connection and, when `eventId` is set, starts one to it. */
  restart(eventId: string, server: string, client: ShopClient | undefined, optOut: () => boolean): void {
    this.stop();
    if (!eventId) return;
    this.state.serverBase = serverBaseUrl(server);
    this.active = client ?? new ShopConnection({ server, optOut });
    this.active.start(this.state, eventId);
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    this.active?.stop();
    this.active = null;
  }
}
