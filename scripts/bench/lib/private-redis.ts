/**
 * A redis-server of the bench's own on a free loopback port. Both servers under test use it, so
 * the comparison still runs on one Redis, but other work on a shared Redis (test suites, other
 * benches) neither queues in front of the reserves nor shows up in Redis's CPU time.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { trackChild } from './process.js';

export interface PrivateRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Polls until a Redis at `url` answers PING (10 s at most). */
async function waitForPing(url: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (attempt >= 100) throw new Error(`redis-server at ${url} did not answer: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
}

/**
 * Starts `redis-server` without persistence; resolves once it answers PING. `wrapper` runs it under
 * another program (e.g. `['valgrind', '--tool=callgrind', ...]`), whose pid is then the server's.
 */
export async function startPrivateRedis(wrapper: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const server = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxclients',
    '20000',
  ];
  const [command, ...args] = [...wrapper, 'redis-server', ...server];
  const child = spawn(command!, args, { stdio: 'ignore' });
  trackChild(child);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve());
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url);
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
