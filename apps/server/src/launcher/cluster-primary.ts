import cluster, { type Worker } from 'node:cluster';
import type { ResolvedOptions } from '../config/options.js';
import { WORKER_INDEX_VARIABLE, type WorkerMessage } from './cluster-worker.js';

/** Workers that die this many times within {@link CRASH_WINDOW_MS} stop the whole server: something is wrong for good. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** Longest the primary waits for its workers to close on a shutdown before it exits anyway. */
const SHUTDOWN_GRACE_MS = 12_000;

/**
 * The primary of `LIVESHOP_PROCESSES=N`: starts N worker processes that all listen on the one
 * port; node:cluster accepts each connection here and deals them to the workers in turn (its
 * round-robin scheduling, the default except on Windows). Clients are WebSocket only, one
 * connection each, so no session ever needs a second request to reach the same process; sticky
 * sessions in this process were measured 2.3x slower on a join storm (decision 0135). The primary
 * serves nothing itself and touches neither Redis nor the database.
 *
 * The first worker starts alone (it migrates the database and seeds the demo), then the rest
 * together. A worker takes connections once it listens, so one still starting gets none. A
 * worker that dies is replaced, and its clients reconnect to the others. SIGTERM or SIGINT stops
 * every worker gracefully, then the primary.
 */
export async function runClusterPrimary(config: ResolvedOptions): Promise<void> {
  const count = config.processes;
  const crashes: number[] = [];
  /** Every live worker. */
  const all = new Set<Worker>();
  let stopping = false;
  /** Set once every worker is ready: from then on a worker that dies is replaced. */
  let serving = false;

  cluster.schedulingPolicy = cluster.SCHED_RR;
  const fork = (index: number): Promise<number> => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index) });
    all.add(worker);
    return new Promise<number>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message?.type !== 'liveshop:ready') return;
        console.warn(`liveshop: process ${index + 1} of ${count} ready (pid ${worker.process.pid})`);
        resolve(message.port);
      });
      worker.once('exit', (code, signal) => {
        all.delete(worker);
        const how = signal ?? `code ${code}`;
        reject(new Error(`process ${index + 1} of ${count} exited (${how}) before it was ready`));
        if (stopping || !serving) return;
        console.warn(
          `liveshop: process ${index + 1} of ${count} (pid ${worker.process.pid}) exited (${how}); starting another`,
        );
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0]! > CRASH_WINDOW_MS) crashes.shift();
        if (crashes.length >= MAX_CRASHES) {
          console.error(`liveshop: ${crashes.length} processes died within ${CRASH_WINDOW_MS / 1000} s; stopping`);
          void shutdown(1);
          return;
        }
        fork(index).catch(() => undefined);
      });
    });
  };

  const shutdown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const forced = setTimeout(() => process.exit(exitCode || 1), SHUTDOWN_GRACE_MS).unref();
    await Promise.all(
      [...all].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    clearTimeout(forced);
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => {
    console.warn('liveshop: SIGTERM, shutting down');
    void shutdown(0);
  });
  process.on('SIGINT', () => {
    console.warn('liveshop: SIGINT, shutting down');
    void shutdown(0);
  });

  let port: number;
  try {
    // The first worker alone migrates the database and seeds the demo; the others find both done.
    port = await fork(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 1)));
  } catch (error) {
    console.error(`liveshop: cannot start: ${(error as Error).message}`);
    await shutdown(1);
    return;
  }
  serving = true;
  const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  console.warn(
    `liveshop: listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/ (${count} processes)`,
  );
  if (config.adminKey && !process.env.LIVESHOP_ADMIN_KEY) {
    console.warn(`liveshop: demo admin key: ${config.adminKey} (set LIVESHOP_ADMIN_KEY to choose one)`);
  }
}
