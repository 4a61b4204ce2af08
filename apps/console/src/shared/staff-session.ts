import type { Ack, ErrorBody, StaffRole } from '@liveshop/protocol';
import { io, type Socket } from 'socket.io-client';

export type SessionStatus = 'connecting' | 'online' | 'reconnecting' | 'signed-out';

/**
 * One console's connection to `/host` or `/moderator` with a staff token. socket.io reconnects by
 * itself after a network loss; every (re)connect joins the event again and hands the fresh
 * snapshot to `onJoin`, so the page is current without a reload. A refused token, or the server
 * closing the connection (the token expired or was revoked), signs the console out.
 */
export class StaffSession<Join extends object> extends EventTarget {
  status: SessionStatus = 'connecting';
  /** Why the console was signed out. */
  reason = '';
  readonly socket: Socket;

  constructor(
    readonly role: StaffRole,
    readonly eventId: string,
    token: string,
    private readonly onJoin: (ack: Join) => void,
  ) {
    super();
    this.socket = io(`/${role}`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('connect', () => void this.#join());
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect')
        this.#signOut('The server closed this console: the token expired or was revoked.');
      else if (reason !== 'io client disconnect') this.#set('reconnecting');
    });
    this.socket.on('connect_error', (error: Error & { data?: ErrorBody }) => {
      if (error.data?.code === 'UNAUTHORIZED' || error.data?.code === 'FORBIDDEN') this.#signOut(error.data.message);
      else this.#set('reconnecting');
    });
  }

  /** Sends a request and resolves to its ack, or to an `UNAVAILABLE` error when none comes in 5 s. */
  async request<T extends object>(event: string, payload: object): Promise<Ack<T>> {
    try {
      return (await this.socket.timeout(5_000).emitWithAck(event, payload)) as Ack<T>;
    } catch {
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'no answer from the server' } };
    }
  }

  close(): void {
    this.socket.disconnect();
  }

  async #join(): Promise<void> {
    const ack = await this.request<Join>('join', { eventId: this.eventId });
    if (ack.ok) {
      this.onJoin(ack);
      this.#set('online');
    } else if (ack.error.code === 'UNAUTHORIZED' || ack.error.code === 'FORBIDDEN') {
      this.#signOut(ack.error.message);
    } else {
      setTimeout(() => this.socket.connected && void this.#join(), 1_000);
    }
  }

  #signOut(reason: string): void {
    this.reason = reason;
    this.socket.disconnect();
    this.#set('signed-out');
  }

  #set(status: SessionStatus): void {
    this.status = status;
    this.dispatchEvent(new Event('change'));
  }
}
