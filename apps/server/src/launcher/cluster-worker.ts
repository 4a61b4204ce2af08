import type { ServerOptions } from '../config/options.js';
import { startServer, type RunningServer } from '../server.js';

/** The environment variable the primary gives each worker its place (0 … N-1) in. */
export const WORKER_INDEX_VARIABLE = 'LIVESHOP_WORKER_INDEX';

/** What a worker tells the primary. */
export type WorkerMessage = { type: 'liveshop:ready'; port: number } | undefined;

/**
 * One worker of `LIVESHOP_PROCESSES=N`: a whole server (workers, fan-out, socket.io with the
 * Redis Streams adapter, WebSocket only) listening on the shared port, which node:cluster deals
 * connections of in turn. Only the first worker runs the demo's test stream.
 */
export async function runClusterWorker(options: ServerOptions): Promise<RunningServer> {
  const index = Number(process.env[WORKER_INDEX_VARIABLE] ?? '0');
  const server = await startServer({ ...options, demoStream: index === 0 ? options.demoStream : false });
  const ready: WorkerMessage = { type: 'liveshop:ready', port: server.port };
  process.send?.(ready);
  return server;
}
