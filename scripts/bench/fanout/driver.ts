/**
 * The shopper that causes stock changes during the fan-out bench. It lives in the bench's own
 * process (the load-generator workers only watch), so each change is timed right where it is
 * caused: the timestamp is taken just before the reserve is emitted.
 */
import { io, type Socket } from 'socket.io-client';
import { nowMs } from '../lib/stats.js';

interface Ack {
  ok: boolean;
  available?: number;
  error?: { code: string };
}

export class StockDriver {
  private seq = 0;

  private constructor(
    private readonly sockets: Socket[],
    private readonly runId: string,
  ) {}

  /** Opens `count` shopper connections (each its own shopper) to `/shop`; they do not join the room. */
  static async open(url: string, count: number, runId: string): Promise<StockDriver> {
    const sockets = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = io(`${url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
            socket.once('connect', () => resolve(socket));
            socket.once('connect_error', reject);
          }),
      ),
    );
    return new StockDriver(sockets, runId);
  }

  /**
   * One reserve of one unit; returns the shared-clock time taken just before the emit, the
   * outcome, and the stock the change left (from the ack).
   */
  async reserve(
    eventId: string,
    sku: string,
    socketIndex = 0,
  ): Promise<{ sentMs: number; outcome: string; available: number }> {
    const socket = this.sockets[socketIndex % this.sockets.length]!;
    this.seq += 1;
    const payload = { eventId, sku, qty: 1, idempotencyKey: `${this.runId}-${this.seq}` };
    const sentMs = nowMs();
    const ack = (await socket.timeout(30_000).emitWithAck('reserve', payload)) as Ack;
    return { sentMs, outcome: ack.ok ? 'ok' : (ack.error?.code ?? 'UNKNOWN'), available: ack.available ?? Number.NaN };
  }

  /**
   * `total` reserves paced at `perSecond`, spread over the driver's sockets, with at most
   * `maxInFlight` unacknowledged; resolves once all are acknowledged.
   */
  async pacedReserves(
    eventId: string,
    sku: string,
    total: number,
    perSecond: number,
    maxInFlight = 200,
  ): Promise<{ outcomes: Record<string, number>; startMs: number; endMs: number }> {
    const outcomes: Record<string, number> = {};
    const startMs = nowMs();
    const pending = new Set<Promise<void>>();
    for (let i = 0; i < total; i += 1) {
      const due = startMs + (i * 1000) / perSecond;
      const wait = due - nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (pending.size >= maxInFlight) await Promise.race(pending);
      const call: Promise<void> = this.reserve(eventId, sku, i)
        .then(
          ({ outcome }) => outcome,
          () => 'TIMEOUT',
        )
        .then((outcome) => {
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          pending.delete(call);
        });
      pending.add(call);
    }
    await Promise.all(pending);
    return { outcomes, startMs, endMs: nowMs() };
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
  }
}
