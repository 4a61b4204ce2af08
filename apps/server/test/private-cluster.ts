import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';

/** Whether `redis-cli` (which creates the cluster) is on the PATH. */
export const hasRedisCli = spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A real Redis Cluster of the test's own: three masters (`redis-server --cluster-enabled yes`) on
 * free loopback ports, joined by `redis-cli --cluster create`, every slot covered. Never the
 * shared Redis.
 */
export class PrivateCluster {
  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly children: ChildProcess[],
  ) {}

  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
  get url(): string {
    return `redis+cluster://${this.ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
  }

  static async start(masters = 3): Promise<PrivateCluster> {
    const dir = await mkdtemp(path.join(tmpdir(), 'liveshop-cluster-redis-'));
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freePort();
      // The cluster bus listens on port + 10000: it must be free too.
      if (port + 10_000 < 65_536 && (await isFree(port + 10_000)) && !ports.includes(port)) ports.push(port);
    }
    const children = ports.map((port) =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      ),
    );
    const cluster = new PrivateCluster(ports, dir, children);
    try {
      await Promise.all(ports.map((port) => waitForPing(port)));
      const created = spawnSync(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...ports.map((port) => `127.0.0.1:${port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await cluster.#waitUntilOk();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** A cluster client for the test's own reads (disconnect it after use). */
  client(): Cluster {
    return new Cluster(this.ports.map((port) => ({ host: '127.0.0.1', port })));
  }

  /** The port of the master serving `key`'s slot. */
  async portOf(key: string): Promise<number> {
    const probe = new Redis(this.ports[0]!, '127.0.0.1');
    try {
      const slot = (await probe.call('CLUSTER', 'KEYSLOT', key)) as number;
      const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      return range![2][1];
    } finally {
      probe.disconnect();
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await rm(this.dir, { recursive: true, force: true });
  }

  async #waitUntilOk(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const states = await Promise.all(
        this.ports.map(async (port) => {
          const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
          try {
            return ((await node.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok');
          } finally {
            node.disconnect();
          }
        }),
      );
      if (states.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the cluster did not reach cluster_state:ok');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}
