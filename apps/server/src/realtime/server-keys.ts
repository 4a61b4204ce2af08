/**
 * Redis keys the server owns next to the inventory engine's. They use the same
 * `<prefix>:{ev:<id>}:` shape, so an event's keys share one Redis Cluster slot.
 */
export class ServerKeys {
  constructor(readonly prefix: string) {}

  pinned(eventId: string): string {
    return `${this.prefix}:{ev:${eventId}}:pinned`;
  }

  chat(eventId: string): string {
    return `${this.prefix}:{ev:${eventId}}:chat`;
  }

  sweepLock(eventId: string): string {
    return `${this.prefix}:{ev:${eventId}}:sweep-lock`;
  }

  /**
   * Set by every reconciliation of Redis with the database; when it is gone, Redis has lost its
   * data since, and the events are restored.
   */
  reconciledMarker(): string {
    return `${this.prefix}:reconciled`;
  }

  /** Prefix of the rate limiter counters. */
  rateLimit(name: string): string {
    return `${this.prefix}:rl:${name}`;
  }

  /** Stream of the socket.io Redis Streams adapter. */
  adapterStream(): string {
    return `${this.prefix}:sio`;
  }
}
