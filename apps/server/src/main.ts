import { optionsFromEnv } from './config/env.js';
import { startServer } from './server.js';

/**
 * `node apps/server/dist/main.js`, what `scripts/start.sh` runs: reads the environment
 * (docs/protocol.md lists it), starts the server (the demo only with LIVESHOP_DEMO=1, which
 * `scripts/start.sh` sets), and closes it gracefully on SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  const server = await startServer(optionsFromEnv());
  console.warn(`liveshop: listening on ${server.url.replace('127.0.0.1', 'localhost')}/`);
  if (server.adminKey && !process.env.LIVESHOP_ADMIN_KEY) {
    console.warn(`liveshop: demo admin key: ${server.adminKey} (set LIVESHOP_ADMIN_KEY to choose one)`);
  }
  for (const link of await server.demoConsoleLinks()) console.warn(`liveshop: ${link}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.warn(`liveshop: ${signal}, shutting down`);
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
}

main().catch((error: unknown) => {
  console.error(`liveshop: cannot start: ${(error as Error).message}`);
  process.exit(1);
});
