import type { Cluster, Redis } from 'ioredis';
import type { Writable } from 'node:stream';

/**
 * Batches a Redis connection's socket writes per event-loop turn: the first hot-path command of a
 * turn (a read of a join or of a new session during a join storm) corks the connection's socket,
 * and the turn's check phase (`setImmediate`) uncorks it, so the commands of every request that
 * arrived in one turn (each from its own client socket) leave in one `writev` instead of one
 * `write` each, and Redis reads them in one `read`
 * and answers them in one write. Commands keep their order and ioredis its reply queue, because
 * ioredis still writes each command itself; only the flush to the kernel is deferred, by at most
 * the rest of the current turn.
 *
 * Unlike ioredis auto-pipelining (which batches the same way), it builds no pipeline object per
 * batch. A Redis Cluster client has no single socket and is left alone, and so is a connection
 * that is not ready (ioredis queues those commands itself). Its measured gain is in
 * docs/benchmarks.md (Speed tricks on trial).
 */
export class WriteBatcher {
  static readonly #shared = new WeakMap<Redis | Cluster, WriteBatcher>();

  /** The one batcher of a connection, for every caller that sends on it. */
  static for(redis: Redis | Cluster): WriteBatcher {
    let batcher = WriteBatcher.#shared.get(redis);
    if (!batcher) WriteBatcher.#shared.set(redis, (batcher = new WriteBatcher(redis)));
    return batcher;
  }

  private corked: Writable | undefined;

  constructor(private readonly redis: Redis | Cluster) {}

  /** Holds this turn's writes on the connection until the turn's check phase. */
  hold(): void {
    if (this.corked) return;
    const { stream, status } = this.redis as Partial<Pick<Redis, 'stream' | 'status'>>;
    if (!stream || status !== 'ready') return;
    stream.cork();
    this.corked = stream;
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    const stream = this.corked;
    this.corked = undefined;
    stream?.uncork();
  };
}
