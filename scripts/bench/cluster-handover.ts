/**
 * How the connections of several server processes on one port are handed out, measured: a join
 * storm of WebSocket-only clients (what the widget opens) against two socket.io worker processes
 * under node:cluster, either
 *   - sticky: the primary reads each connection's first request and passes it on with
 *     `@socket.io/sticky` (what `LIVESHOP_PROCESSES` uses; polling clients work too), or
 *   - plain:  the workers listen on the shared port and node:cluster deals connections in turn
 *     (WebSocket only: a polling client's second request may reach the other process).
 * Alternates the two, `--rounds` times each, and prints connect time p50/p99 and the storm's wall.
 *
 *   pnpm exec tsx scripts/bench/cluster-handover.ts [--clients 3000] [--rounds 2]
 */
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupMaster, setupWorker } from '@socket.io/sticky';
import { Command } from 'commander';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';

const WORKERS = 2;
type Mode = 'sticky' | 'plain';

async function primary(mode: Mode): Promise<void> {
  cluster.setupPrimary({ serialization: 'advanced' });
  const workers = Array.from({ length: WORKERS }, () => cluster.fork({ HANDOVER_MODE: mode }));
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
  let port: number;
  if (mode === 'sticky') {
    const server = createServer();
    setupMaster(server, { loadBalancingMethod: 'round-robin' });
    port = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  } else {
    port = Number(process.env.HANDOVER_PORT);
  }
  process.send!({ port });
  process.on('disconnect', () => {
    for (const worker of workers) worker.kill();
    process.exit(0);
  });
}

async function worker(mode: Mode): Promise<void> {
  const server = createServer();
  const io = new Server(server, { transports: ['websocket', 'polling'] });
  io.of('/shop').on('connection', (socket) => socket.emit('session', { ok: true }));
  if (mode === 'sticky') setupWorker(io);
  else await new Promise<void>((resolve) => server.listen(Number(process.env.HANDOVER_PORT), '127.0.0.1', resolve));
  process.send!('ready');
}

async function storm(port: number, clients: number) {
  const started = performance.now();
  const times: number[] = [];
  const sockets = [];
  for (let i = 0; i < clients; i += 1) {
    const t0 = performance.now();
    const socket = connect(`http://127.0.0.1:${port}/shop`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(
      new Promise<void>((resolve, reject) => {
        socket.once('session', () => {
          times.push(performance.now() - t0);
          resolve();
        });
        socket.once('connect_error', reject);
      }),
    );
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(sockets);
  const wall = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { wallMs: Math.round(wall), p50Ms: Math.round(at(0.5)), p99Ms: Math.round(at(0.99)) };
}

async function bench(): Promise<void> {
  const options = new Command()
    .option('--clients <n>', 'connections per storm', (v) => Number(v), 3000)
    .option('--rounds <n>', 'storms per mode', (v) => Number(v), 2)
    .parse()
    .opts<{ clients: number; rounds: number }>();
  const results: Record<Mode, { wallMs: number; p50Ms: number; p99Ms: number }[]> = { sticky: [], plain: [] };
  for (let round = 0; round < options.rounds; round += 1) {
    for (const mode of ['sticky', 'plain'] as const) {
      const free = createServer();
      const sparePort = await new Promise<number>((resolve) =>
        free.listen(0, '127.0.0.1', () => resolve((free.address() as AddressInfo).port)),
      );
      await new Promise((resolve) => free.close(resolve));
      const child = fork(process.argv[1]!, [], {
        env: { ...process.env, HANDOVER_ROLE: 'primary', HANDOVER_MODE: mode, HANDOVER_PORT: String(sparePort) },
        execArgv: process.execArgv,
      });
      const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', resolve as never));
      const result = await storm(port, options.clients);
      results[mode].push(result);
      console.log(`${mode.padEnd(6)} round ${round + 1}: ${JSON.stringify(result)}`);
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const mode of ['sticky', 'plain'] as const)
    console.log(
      `${mode}: wall ${median(results[mode].map((r) => r.wallMs))} ms, p99 ${median(results[mode].map((r) => r.p99Ms))} ms (median of ${options.rounds})`,
    );
  process.exit(0);
}

const role = cluster.isWorker ? 'worker' : process.env.HANDOVER_ROLE;
const mode = (process.env.HANDOVER_MODE ?? 'sticky') as Mode;
if (role === 'worker') void worker(mode);
else if (role === 'primary') void primary(mode);
else void bench();
