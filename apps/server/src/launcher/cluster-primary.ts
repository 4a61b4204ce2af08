import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupMaster } from '@socket.io/sticky';
import type { ResolvedOptions } from '../config/options.js';
import { WORKER_INDEX_VARIABLE, type WorkerMessage } from './cluster-worker.js';

/** Workers that die this many times within {@link CRASH_WINDOW_MS} stop the whole server: something is wrong for good. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** Longest the primary waits for its workers to close on a shutdown before it exits anyway. */
const SHUTDOWN_GRACE_MS = 12_000;

/**
 * The primary of `LIVESHOP_PROCESSES=N`: listens on the public port and hands each connection to
 * one of N worker processes with `@socket.io/sticky` (in turn: its least-connection mode counts a client only once its session is open, so a join storm would all go to one worker; a polling client's
 * later requests go to the worker that holds its session). It serves nothing itself and touches
 * neither Redis nor the database.
 *
 * Workers start one at a time for the first (it migrates the database and seeds the demo), then
 * the rest together; the port opens when all are ready. A worker that dies is replaced, and its
 * clients reconnect to the others (the replacement takes connections once it is ready). SIGTERM or SIGINT stops every worker
 * gracefully, then the primary.
 */
export async function runClusterPrimary(config: ResolvedOptions): Promise<void> {
  const count = config.processes;
  /** Every live worker, ready or not (cluster.workers lists only the ready ones). */
  const all = new Set<Worker>();
  const crashes: number[] = [];
  let stopping = false;
  /** Set once every worker is ready: from then on a worker that dies is replaced. */
  let serving = false;
  let httpServer: HttpServer | undefined;

  // The sticky handover passes request bytes over IPC: Buffers must stay Buffers.
  cluster.setupPrimary({ serialization: 'advanced' });
  const fork = (index: number): { worker: Worker; started: Promise<void> } => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index) });
    // The sticky balancer picks from cluster.workers: a worker joins it once it is ready, so no
    // connection reaches a process that is still starting (and could not take it yet).
    delete cluster.workers![worker.id];
    const started = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message?.type !== 'liveshop:ready') return;
        if (!worker.isDead()) cluster.workers![worker.id] = worker;
        console.warn(`liveshop: process ${index + 1} of ${count} ready (pid ${worker.process.pid})`);
        resolve();
      });
      worker.once('exit', (code, signal) => {
        reject(new Error(`process ${index + 1} of ${count} exited (${signal ?? `code ${code}`}) before it was ready`));
        if (stopping || !serving) return;
        console.warn(
          `liveshop: process ${index + 1} of ${count} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); starting another`,
        );
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0]! > CRASH_WINDOW_MS) crashes.shift();
        if (crashes.length >= MAX_CRASHES) {
          console.error(`liveshop: ${crashes.length} processes died within ${CRASH_WINDOW_MS / 1000} s; stopping`);
          void shutdown(1);
          return;
        }
        fork(index).started.catch(() => undefined);
      });
    });
    all.add(worker);
    worker.once('exit', () => all.delete(worker));
    return { worker, started };
  };

  const shutdown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const forced = setTimeout(() => process.exit(exitCode || 1), SHUTDOWN_GRACE_MS).unref();
    httpServer?.close();
    const workers = [...all];
    await Promise.all(
      workers.map(
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

  try {
    // The first worker alone migrates the database and seeds the demo; the others find both done.
    await fork(0).started;
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 1).started));
  } catch (error) {
    console.error(`liveshop: cannot start: ${(error as Error).message}`);
    await shutdown(1);
    return;
  }

  serving = true;
  httpServer = createServer();
  setupMaster(httpServer, { loadBalancingMethod: 'round-robin' });
  const port = await new Promise<number>((resolve, reject) => {
    httpServer!.once('error', reject);
    httpServer!.listen(config.port, config.host, () => resolve((httpServer!.address() as AddressInfo).port));
  }).catch(async (error: unknown) => {
    console.error(`liveshop: cannot start: ${(error as Error).message}`);
    await shutdown(1);
    throw error;
  });
  const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
  console.warn(`liveshop: listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/ (${count} processes)`);
  if (config.adminKey && !process.env.LIVESHOP_ADMIN_KEY) {
    console.warn(`liveshop: demo admin key: ${config.adminKey} (set LIVESHOP_ADMIN_KEY to choose one)`);
  }
}
