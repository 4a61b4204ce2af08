import WebSocket from 'ws';

/** A frame as the server sent it: text, or a binary attachment. */
export type Frame = string | Buffer;

/**
 * A socket.io client written by hand: one raw WebSocket speaking engine.io 4 and the socket.io 5
 * packet format (`0` open, `2`/`3` ping/pong, `4` + socket.io packet). Tests send any frame with
 * it, well-formed or not, and read every frame the server answers with.
 */
export class RawSocket {
  readonly received: Frame[] = [];
  closed = false;
  #waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : data.toString('utf8');
      // Answer engine.io pings so long cases are not cut off by the heartbeat.
      if (frame === '2') ws.send('3');
      this.received.push(frame);
      this.#notify();
    });
    ws.on('close', () => {
      this.closed = true;
      this.#notify();
    });
    ws.on('error', () => undefined);
  }

  /** Opens `ws://…/socket.io/?EIO=4&transport=websocket` and waits for engine.io's open packet. */
  static async open(serverUrl: string): Promise<RawSocket> {
    const url = `${serverUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await socket.waitFor((frame) => typeof frame === 'string' && frame.startsWith('0'));
    return socket;
  }

  /** Opens a connection and connects it to `namespace` with `auth`; resolves to the server's answer. */
  static async connect(serverUrl: string, namespace: string, auth?: unknown): Promise<RawSocket> {
    const socket = await RawSocket.open(serverUrl);
    socket.send(`40${namespace},${auth === undefined ? '' : JSON.stringify(auth)}`);
    await socket.waitFor((frame) => typeof frame === 'string' && /^4[04]/.test(frame) && frame.includes(namespace));
    return socket;
  }

  send(frame: Frame): void {
    if (!this.closed) this.ws.send(frame);
  }

  /**
   * Resolves with the first frame (received so far or later) matching `predicate`, or with null
   * when the connection closes first; rejects after `timeoutMs`.
   */
  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found !== undefined) return found;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.#waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  }

  /** The ack packet `43<namespace>,<id>[…]` answering request `id`, parsed, or null when the connection closed. */
  async ack(namespace: string, id: number, timeoutMs = 5_000): Promise<unknown[] | null> {
    const prefix = `43${namespace},${id}[`;
    const frame = await this.waitFor((f) => typeof f === 'string' && f.startsWith(prefix), timeoutMs);
    return frame === null ? null : (JSON.parse((frame as string).slice(prefix.length - 1)) as unknown[]);
  }

  close(): void {
    this.closed = true;
    this.ws.terminate();
  }

  describe(): string {
    return JSON.stringify(this.received.map((f) => (typeof f === 'string' ? f.slice(0, 200) : `<${f.length} bytes>`)));
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
