import cluster from 'node:cluster';
import { optionsFromEnv } from './config/env.js';
import { resolveOptions } from './config/options.js';
import { runClusterPrimary } from './launcher/cluster-primary.js';
import { runClusterWorker } from './launcher/cluster-worker.js';
import { startServer, type RunningServer } from './server.js';

/**
 * `node apps/server/dist/main.js`, what `scripts/start.sh` runs: reads the environment
 * (docs/protocol.md lists it), starts the server (the demo only with LIVESHOP_DEMO=1, which
 * `scripts/start.sh` sets), and closes it gracefully on SIGTERM or SIGINT. With
 * `LIVESHOP_PROCESSES=N` (N > 1) this process becomes the primary of N server processes on the
 * one port (docs/scaling.md).
 */
async function main(): Promise<void> {
  const options = optionsFromEnv();
  // Checked before anything starts, so a wrong setting is one clear line, not N crashing workers.
  const config = resolveOptions(options);
  if (config.processes > 1 && cluster.isPrimary) return runClusterPrimary(config);

  let server: RunningServer;
  if (cluster.isWorker) {
    server = await runClusterWorker(options);
  } else {
    server = await startServer(options);
    console.warn(`liveshop: listening on ${server.url.replace('127.0.0.1', 'localhost')}/`);
    if (server.adminKey && !process.env.LIVESHOP_ADMIN_KEY) {
      console.warn(`liveshop: demo admin key: ${server.adminKey} (set LIVESHOP_ADMIN_KEY to choose one)`);
    }
  }
  for (const link of await server.demoConsoleLinks()) console.warn(`liveshop: ${link}`);
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    if (!cluster.isWorker) console.warn(`liveshop: ${reason}, shutting down`);
    const forced = setTimeout(() => process.exit(1), 10_000).unref();
    server.close().then(
      () => {
        clearTimeout(forced);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('liveshop: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A worker whose primary is gone (killed, crashed) has no one to take connections from.
  if (cluster.isWorker) cluster.worker?.on('disconnect', () => stop('primary gone'));
}

main().catch((error: unknown) => {
  console.error(`liveshop: cannot start: ${(error as Error).message}`);
  process.exit(1);
});
