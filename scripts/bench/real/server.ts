/**
 * Runs the real Liveshop server for a benchmark in its own process. Options come as JSON in
 * BENCH_SERVER_OPTIONS (see `ServerOptions` of @liveshop/server). Prints `{"ready":true,"port":N}`
 * once listening, closes cleanly on SIGTERM, and takes
 * control commands on stdin (see ../lib/control.ts).
 */
import { startServer, type ServerOptions } from '@liveshop/server';
import { listenForControl } from '../lib/control.js';

const options = JSON.parse(process.env.BENCH_SERVER_OPTIONS ?? '{}') as ServerOptions;
const server = await startServer(options);
process.stdout.write(`${JSON.stringify({ ready: true, port: server.port })}\n`);
listenForControl();

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
