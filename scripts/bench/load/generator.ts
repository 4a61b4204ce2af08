/**
 * The one load generator every realtime benchmark and the ghost event use, against the bare
 * reference and the real server alike: a pool of worker processes (see worker.ts) that share the
 * client sockets, with results merged here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { addCounts } from '../lib/counts.js';
import { softLimitToRaise } from '../lib/limits.js';
import { repoRoot, trackChild } from '../lib/process.js';
import type {
  BurstArgs,
  BurstResult,
  CheckoutArgs,
  CheckoutResult,
  ConnectArgs,
  ConnectResult,
  DisconnectResult,
  ReserveLoopArgs,
  ReserveLoopResult,
  WatchArgs,
  WatchReportArgs,
  WatchReportResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';

type Command = WorkerRequest['cmd'];
type ArgsOf<C extends Command> = Extract<WorkerRequest, { cmd: C }>['args'];
/** Called with the number of clients all workers together have finished with so far. */
export type ProgressListener = (done: number) => void;

const workerEntry = fileURLToPath(new URL('./worker.ts', import.meta.url));

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  progress?: (done: number) => void;
}

class WorkerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerResponse) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      if ('progress' in message) {
        waiter.progress?.(message.progress);
        return;
      }
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

  call<C extends Command>(cmd: C, args: ArgsOf<C>, progress?: (done: number) => void): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress });
      this.child.send({ id, cmd, args } as WorkerRequest);
    });
  }
}

/** Splits `total` into `parts` near-equal whole shares. */
const shares = (total: number, parts: number) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

export interface StartOptions {
  /**
   * Open files each worker needs (its sockets plus slack). When this shell's soft limit is lower,
   * workers start through `sh -c 'ulimit -Sn N; exec node …'` (allowed up to the hard limit); when
   * the hard limit is lower too, `start` throws, naming the command to run.
   */
  openFilesPerWorker?: number;
}

export class LoadGenerator {
  private constructor(private readonly workers: WorkerHandle[]) {}

  /** Forks `count` worker processes (each runs TypeScript through tsx). */
  static async start(count: number, options: StartOptions = {}): Promise<LoadGenerator> {
    const raiseTo = options.openFilesPerWorker === undefined ? undefined : softLimitToRaise(options.openFilesPerWorker);
    const workers = Array.from({ length: count }, (_, index) => {
      const child = fork(workerEntry, [], {
        cwd: repoRoot,
        ...(raiseTo === undefined
          ? { execArgv: ['--import', 'tsx'] }
          : {
              // `exec` keeps the pid and the IPC channel: the shell becomes the worker.
              execPath: '/bin/sh',
              execArgv: ['-c', `ulimit -Sn ${raiseTo} && exec "$0" "$@"`, process.execPath, '--import', 'tsx'],
            }),
        env: { ...process.env, LOAD_WORKER_INDEX: String(index) },
        // A worker's stray output never mixes into the caller's stdout (the ghost event's JSON).
        stdio: ['ignore', 2, 'inherit', 'ipc'],
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

  /** Runs a command on every worker; `progress` hears the sum of their progress reports. */
  private callAll<C extends Command>(
    cmd: C,
    argsOf: (index: number) => ArgsOf<C>,
    progress?: ProgressListener,
  ): Promise<unknown[]> {
    const done = this.workers.map(() => 0);
    return Promise.all(
      this.workers.map((worker, i) =>
        worker.call(
          cmd,
          argsOf(i),
          progress &&
            ((count) => {
              done[i] = count;
              progress(done.reduce((sum, n) => sum + n, 0));
            }),
        ),
      ),
    );
  }

  /** Opens `args.count` sockets in total, spread evenly over the workers. */
  async connect(args: ConnectArgs, progress?: ProgressListener): Promise<ConnectResult> {
    const parts = shares(args.count, this.workers.length);
    const results = (await this.callAll(
      'connect',
      (i) => ({ ...args, count: parts[i]! }),
      progress,
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
    const results = (await this.callAll('reserveLoop', () => args)) as ReserveLoopResult[];
    const latencies = results.flatMap((r) => r.latencies);
    const outcomes = results.reduce((sum, r) => addCounts(sum, r.outcomes), {} as Record<string, number>);
    return {
      latencies,
      outcomes,
      durationMs: args.durationMs,
      throughput: latencies.length / (args.durationMs / 1000),
    };
  }

  /**
   * One reserve from every connected socket of the group: at once, or at `ratePerSecond` in total
   * (shared evenly by the workers).
   */
  async burst(args: BurstArgs, progress?: ProgressListener): Promise<BurstResult & { wallMs: number }> {
    const perWorker = args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond / this.size };
    const results = (await this.callAll('burst', () => ({ ...args, ...perWorker }), progress)) as BurstResult[];
    const firstEmitMs = Math.min(...results.map((r) => r.firstEmitMs));
    const lastAckMs = Math.max(...results.map((r) => r.lastAckMs));
    const outcomesBySku: BurstResult['outcomesBySku'] = {};
    for (const r of results) {
      for (const [sku, counts] of Object.entries(r.outcomesBySku)) addCounts((outcomesBySku[sku] ??= {}), counts);
    }
    return {
      latencies: results.flatMap((r) => r.latencies),
      outcomes: results.reduce((sum, r) => addCounts(sum, r.outcomes), {} as Record<string, number>),
      outcomesBySku,
      messages: Object.assign({}, ...results.map((r) => r.messages)) as Record<string, string>,
      holdIds: results.flatMap((r) => r.holdIds),
      grants: results.flatMap((r) => r.grants),
      firstEmitMs,
      lastAckMs,
      wallMs: lastAckMs - firstEmitMs,
    };
  }

  /** `checkout` from every socket of the group that holds holds, at once. */
  async checkout(args: CheckoutArgs, progress?: ProgressListener): Promise<CheckoutResult & { wallMs: number }> {
    const results = (await this.callAll('checkout', () => args, progress)) as CheckoutResult[];
    const firstEmitMs = Math.min(...results.map((r) => r.firstEmitMs));
    const lastAckMs = Math.max(...results.map((r) => r.lastAckMs));
    return {
      attempted: results.reduce((sum, r) => sum + r.attempted, 0),
      latencies: results.flatMap((r) => r.latencies),
      outcomes: results.reduce((sum, r) => addCounts(sum, r.outcomes), {} as Record<string, number>),
      messages: Object.assign({}, ...results.map((r) => r.messages)) as Record<string, string>,
      firstEmitMs,
      lastAckMs,
      wallMs: lastAckMs - firstEmitMs,
    };
  }

  /** Starts recording `stock` messages for the SKUs on the group's sockets (clears earlier records). */
  async watch(args: WatchArgs): Promise<void> {
    await this.callAll('watch', () => args);
  }

  async watchReport(args: WatchReportArgs): Promise<WatchReportResult> {
    const results = (await this.callAll('watchReport', () => args)) as WatchReportResult[];
    return {
      latencies: args.triggers.map((_, i) => results.flatMap((r) => r.latencies[i] ?? [])),
      missed: results.reduce((sum, r) => sum + r.missed, 0),
      viewers: results.reduce((sum, r) => sum + r.viewers, 0),
      maxPerSecond: Math.max(...results.map((r) => r.maxPerSecond)),
      totalMessages: results.reduce((sum, r) => sum + r.totalMessages, 0),
      lastMismatch: results.reduce((sum, r) => sum + r.lastMismatch, 0),
    };
  }

  /** Closes the group's sockets (every socket without a group); counts those that had dropped. */
  async disconnect(group?: string): Promise<DisconnectResult> {
    const results = (await this.callAll('disconnect', () => ({ group }))) as DisconnectResult[];
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
