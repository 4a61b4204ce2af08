/**
 * The one load generator every realtime benchmark uses, against the bare reference and the real
 * server alike: a pool of worker processes (see worker.ts) that share the client sockets, with
 * results merged here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot, trackChild } from '../lib/process.js';
import type {
  BurstArgs,
  BurstResult,
  ConnectArgs,
  ConnectResult,
  ReserveLoopArgs,
  ReserveLoopResult,
  WatchReportArgs,
  WatchReportResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';

type Command = WorkerRequest['cmd'];
type ArgsOf<C extends Command> = Extract<WorkerRequest, { cmd: C }>['args'];

const workerEntry = fileURLToPath(new URL('./worker.ts', import.meta.url));

class WorkerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerResponse) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(message.error));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`load worker exited (${code ?? signal})`));
      }
      this.pending.clear();
    });
  }

  call<C extends Command>(cmd: C, args: ArgsOf<C>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args } as WorkerRequest);
    });
  }
}

/** Splits `total` into `parts` near-equal whole shares. */
const shares = (total: number, parts: number) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  return into;
};

export class LoadGenerator {
  private constructor(private readonly workers: WorkerHandle[]) {}

  /** Forks `count` worker processes (each runs TypeScript through tsx). */
  static async start(count: number): Promise<LoadGenerator> {
    const workers = Array.from({ length: count }, (_, index) => {
      const child = fork(workerEntry, [], {
        cwd: repoRoot,
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, LOAD_WORKER_INDEX: String(index) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      trackChild(child);
      return new WorkerHandle(child);
    });
    return new LoadGenerator(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Process ids of the workers (for CPU accounting). */
  get pids(): number[] {
    return this.workers.map((w) => w.child.pid!);
  }

  /** Opens `args.count` sockets in total, spread evenly over the workers. */
  async connect(args: ConnectArgs): Promise<ConnectResult> {
    const parts = shares(args.count, this.workers.length);
    const results = (await Promise.all(
      this.workers.map((worker, i) => worker.call('connect', { ...args, count: parts[i]! })),
    )) as ConnectResult[];
    return results.reduce(
      (sum, r) => ({
        connected: sum.connected + r.connected,
        failed: sum.failed + r.failed,
        joinFailed: sum.joinFailed + r.joinFailed,
        errors: addCounts(sum.errors, r.errors),
        ms: Math.max(sum.ms, r.ms),
      }),
      { connected: 0, failed: 0, joinFailed: 0, errors: {}, ms: 0 },
    );
  }

  /** Closed-loop reserves on every connected socket; throughput is acks per second of the window. */
  async reserveLoop(args: ReserveLoopArgs): Promise<ReserveLoopResult & { throughput: number }> {
    const results = (await Promise.all(this.workers.map((w) => w.call('reserveLoop', args)))) as ReserveLoopResult[];
    const latencies = results.flatMap((r) => r.latencies);
    const outcomes = results.reduce((sum, r) => addCounts(sum, r.outcomes), {} as Record<string, number>);
    return {
      latencies,
      outcomes,
      durationMs: args.durationMs,
      throughput: latencies.length / (args.durationMs / 1000),
    };
  }

  /** One reserve from every connected socket at once. */
  async burst(args: BurstArgs): Promise<BurstResult & { wallMs: number }> {
    const results = (await Promise.all(this.workers.map((w) => w.call('burst', args)))) as BurstResult[];
    const firstEmitMs = Math.min(...results.map((r) => r.firstEmitMs));
    const lastAckMs = Math.max(...results.map((r) => r.lastAckMs));
    return {
      latencies: results.flatMap((r) => r.latencies),
      outcomes: results.reduce((sum, r) => addCounts(sum, r.outcomes), {} as Record<string, number>),
      holdIds: results.flatMap((r) => r.holdIds),
      firstEmitMs,
      lastAckMs,
      wallMs: lastAckMs - firstEmitMs,
    };
  }

  /** Starts recording `stock` messages for one SKU on every socket (clears earlier records). */
  async watch(sku: string): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call('watch', { sku })));
  }

  async watchReport(args: WatchReportArgs): Promise<WatchReportResult> {
    const results = (await Promise.all(this.workers.map((w) => w.call('watchReport', args)))) as WatchReportResult[];
    return {
      latencies: args.triggers.map((_, i) => results.flatMap((r) => r.latencies[i] ?? [])),
      missed: results.reduce((sum, r) => sum + r.missed, 0),
      viewers: results.reduce((sum, r) => sum + r.viewers, 0),
      maxPerSecond: Math.max(...results.map((r) => r.maxPerSecond)),
      totalMessages: results.reduce((sum, r) => sum + r.totalMessages, 0),
      lastMismatch: results.reduce((sum, r) => sum + r.lastMismatch, 0),
    };
  }

  /** Closes every socket; returns how many dropped without being asked to during the run. */
  async disconnect(): Promise<{ closed: number; unexpectedDisconnects: number }> {
    const results = (await Promise.all(this.workers.map((w) => w.call('disconnect', {})))) as {
      closed: number;
      unexpectedDisconnects: number;
    }[];
    return {
      closed: results.reduce((sum, r) => sum + r.closed, 0),
      unexpectedDisconnects: results.reduce((sum, r) => sum + r.unexpectedDisconnects, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.disconnect();
          }),
      ),
    );
  }
}
