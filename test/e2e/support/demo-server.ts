import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '@liveshop/server';

export interface DemoServer extends RunningServer {
  /** `PUT /api/admin/events/demo/stock`: sets the allocation of each SKU. */
  setStock(items: { sku: string; quantity: number }[]): Promise<void>;
}

/**
 * The real server with the demo event, on a random port, with its own Redis key prefix and an
 * in-memory database, so parallel runs and other suites never see each other's data.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    demo: true,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix: `e2e${randomBytes(4).toString('hex')}`,
    databaseUrl: 'memory://',
    ipRateLimitPerSecond: 0,
  });
  const setStock = async (items: { sku: string; quantity: number }[]) => {
    const response = await fetch(`${server.url}/api/admin/events/demo/stock`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    if (!response.ok) throw new Error(`setStock: ${response.status} ${await response.text()}`);
  };
  return Object.assign(server, { setStock });
}
