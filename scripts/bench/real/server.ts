/**
 * Runs the real Liveshop server for a benchmark in its own process. Options come as JSON in
 * BENCH_SERVER_OPTIONS (see `ServerOptions` of @liveshop/server). Prints `{"ready":true,"port":N}`
 * once listening and closes cleanly on SIGTERM.
 */
import { startServer, type ServerOptions } from '@liveshop/server';

const options = JSON.parse(process.env.BENCH_SERVER_OPTIONS ?? '{}') as ServerOptions;
const server = await startServer(options);
process.stdout.write(`${JSON.stringify({ ready: true, port: server.port })}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
