import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import type { CreateEventBody, ErrorBody } from '@liveshop/protocol';
import { startServer, type ServerOptions } from '@liveshop/server';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_DATABASE_URL = process.env.LIVESHOP_TEST_DATABASE_URL;
export const ADMIN_KEY = 'test-admin-key';
export const SESSION_SECRET = 'test-session-secret-0123456789';

/**
 * A reply as tests read it: `ok`, the error when refused, and the success fields, readable without
 * narrowing first (a wrong guess fails the assertion that reads it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately loose, see above
export type Reply = { ok: boolean; error?: ErrorBody } & Record<string, any>;

export const randomId = (prefix: string): string => `${prefix}${randomBytes(5).toString('hex')}`;

/** Where one test file's data lives: a random Redis prefix and, with PostgreSQL, a random schema. */
export interface Isolation {
  keyPrefix: string;
  databaseUrl: string;
  dbSchema?: string;
}

export function isolation(): Isolation {
  const keyPrefix = randomId('t');
  if (!TEST_DATABASE_URL) return { keyPrefix, databaseUrl: 'memory://' };
  return { keyPrefix, databaseUrl: TEST_DATABASE_URL, dbSchema: randomId('test_') };
}

/** Deletes the prefix's Redis keys and the schema. */
export async function dropIsolation(scope: Isolation): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${scope.keyPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  if (scope.dbSchema && TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${scope.dbSchema}" cascade`);
    await client.end();
  }
}

export function testOptions(scope: Isolation, overrides: ServerOptions = {}): ServerOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    redisUrl: REDIS_URL,
    databaseUrl: scope.databaseUrl,
    dbSchema: scope.dbSchema,
    keyPrefix: scope.keyPrefix,
    adminKey: ADMIN_KEY,
    sessionSecret: SESSION_SECRET,
    ipRateLimitPerSecond: 0,
    ...overrides,
  };
}

/** A server on a random port with its own isolation; `stop()` closes it and drops its data. */
export async function startTestServer(overrides: ServerOptions = {}) {
  const scope = isolation();
  const server = await startServer(testOptions(scope, overrides));
  return { server, scope, stop: () => server.close().then(() => dropIsolation(scope)) };
}

/** Calls the admin API; resolves to status and parsed JSON body. */
export async function admin(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN_KEY,
): Promise<{ status: number; body: Reply }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A small live event with stock, created through the admin API. */
export async function createEvent(
  server: { url: string },
  event: Partial<CreateEventBody> & { id: string },
  stock: Record<string, number> = {},
): Promise<void> {
  const body: CreateEventBody = {
    title: `Test ${event.id}`,
    status: 'live',
    products: [
      { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
      { sku: 'MUG', title: 'Mug', priceCents: 1500, currency: 'USD', limitPerShopper: 2 },
    ],
    ...event,
  };
  const created = await admin(server, 'POST', '/api/admin/events', body);
  if (created.status !== 201) throw new Error(`create event: ${created.status} ${JSON.stringify(created.body)}`);
  const items = Object.entries(stock).map(([sku, quantity]) => ({ sku, quantity }));
  if (items.length > 0) {
    const set = await admin(server, 'PUT', `/api/admin/events/${event.id}/stock`, { items });
    if (set.status !== 200) throw new Error(`set stock: ${set.status} ${JSON.stringify(set.body)}`);
  }
}

const clients = new Set<Socket>();

/** Connects a socket.io client (WebSocket only) and waits for `connect`; rejects on `connect_error`. */
export async function client(
  server: { url: string },
  namespace: '/shop' | '/host' | '/moderator',
  auth: Record<string, unknown> = {},
): Promise<Socket> {
  const socket = connect(`${server.url}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
  });
  clients.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** A `/shop` client that has received its `session`. */
export async function shopper(server: { url: string }, session?: string) {
  const socket = connect(`${server.url}/shop`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: session ? { session } : {},
  });
  clients.add(socket);
  const identity = await new Promise<{ session: string; shopperId: string }>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, ...identity };
}

export function closeClients(): void {
  for (const socket of clients) socket.disconnect();
  clients.clear();
}

/** Emits with an ack and a 5 s timeout. */
export function request(socket: Socket, event: string, ...args: unknown[]): Promise<Reply> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<Reply>;
}

/**
 * Resolves once `predicate` holds, polling every 20 ms, or rejects after `timeoutMs`. A predicate
 * that throws (Redis still reconnecting, say) counts as not holding yet; the last error is
 * reported if time runs out.
 */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error('condition not met in time', lastError === undefined ? {} : { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const idem = (): string => randomId('k');
