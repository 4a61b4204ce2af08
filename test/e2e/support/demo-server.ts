import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '@liveshop/server';

export interface DemoServer extends RunningServer {
  /** Where this server's ffmpeg writes the demo stream: a temporary directory, removed on `close()`. */
  streamDir: string;
  /** `PUT /api/admin/events/demo/stock`: sets the allocation of each SKU. */
  setStock(items: { sku: string; quantity: number }[]): Promise<void>;
}

/**
 * The real server with the demo event, on a random port, with its own Redis key prefix, an
 * in-memory database and its own stream directory, so parallel runs, other suites and a demo
 * running from the same checkout (which writes `apps/demo/stream`) never see each other's data.
 * `allowedOrigins` sets the origin allowlist, as `LIVESHOP_ALLOWED_ORIGINS` does.
 */
export async function startDemoServer(options: Pick<ServerOptions, 'allowedOrigins'> = {}): Promise<DemoServer> {
  const streamDir = await mkdtemp(path.join(tmpdir(), 'liveshop-e2e-stream-'));
  let server: RunningServer;
  try {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      demo: true,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: `e2e${randomBytes(4).toString('hex')}`,
      databaseUrl: 'memory://',
      ipRateLimitPerSecond: 0,
      streamDir,
      ...options,
    });
  } catch (error) {
    await rm(streamDir, { recursive: true, force: true });
    throw error;
  }
  const setStock = async (items: { sku: string; quantity: number }[]) => {
    const response = await fetch(`${server.url}/api/admin/events/demo/stock`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    if (!response.ok) throw new Error(`setStock: ${response.status} ${await response.text()}`);
  };
  const closeServer = server.close.bind(server);
  // The stream stops with the server; only then is its directory free to remove.
  const close = () => closeServer().finally(() => rm(streamDir, { recursive: true, force: true }));
  return Object.assign(server, { streamDir, setStock, close });
}
