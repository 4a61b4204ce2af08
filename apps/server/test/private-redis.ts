import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * A redis-server of a test's own, on a free loopback port with its own directory, for tests that
 * stop, restart or empty Redis (never the shared one). `restart()` keeps the port and the
 * directory, so with `appendonly` the data comes back; `restartEmpty()` deletes the directory's
 * contents first, as if the data were lost.
 */
export class PrivateRedis {
  #child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: { appendonly?: boolean; maxmemoryPolicy?: string } = {}): Promise<PrivateRedis> {
    const dir = await mkdtemp(path.join(tmpdir(), 'liveshop-redis-'));
    const args = ['--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'always'];
    if (options.maxmemoryPolicy) args.push('--maxmemory-policy', options.maxmemoryPolicy);
    const redis = new PrivateRedis(await freePort(), dir, args);
    await redis.#spawn();
    return redis;
  }

  /** Stops the server (SIGTERM, which flushes the append-only file) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a paused server go on (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Starts it again on the same port and directory. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }

  /** Starts it again on the same port with an empty directory: every key is gone. */
  async restartEmpty(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
    await this.#spawn();
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A client of this server for the test's own reads (disconnect it after use). */
  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1 });
  }

  async #spawn(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...this.args],
      { stdio: 'ignore' },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
    await waitForPing(this.url);
  }
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

/** Polls until the server answers PING with its data loaded (10 s at most). */
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
