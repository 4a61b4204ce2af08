import pg from 'pg';
import { TEST_CARDS } from '@liveshop/payments';
import type { RunningServer, ServerOptions } from '@liveshop/server';
import { startServer } from '@liveshop/server';
import {
  admin,
  createEvent,
  dropIsolation,
  idem,
  isolation,
  randomId,
  request,
  shopper,
  testOptions,
  TEST_DATABASE_URL,
  type Isolation,
  type Reply,
} from './harness.js';

/** The databases the checkout suites run on: PostgreSQL when one is configured, and PGlite in memory. */
export const DATABASES: { name: string; postgres: boolean }[] = [
  ...(TEST_DATABASE_URL ? [{ name: 'PostgreSQL', postgres: true }] : []),
  { name: 'PGlite', postgres: false },
];

export interface CheckoutHarness {
  server: RunningServer;
  scope: Isolation;
  /** SQL on the server's database (PostgreSQL: its schema; PGlite: through the admin API only). */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

/** A server with the test payment provider on PostgreSQL (random schema) or in-memory PGlite. */
export async function startCheckoutServer(postgres: boolean, overrides: ServerOptions = {}): Promise<CheckoutHarness> {
  const scope: Isolation = postgres ? isolation() : { keyPrefix: randomId('t'), databaseUrl: 'memory://' };
  const server = await startServer(
    testOptions(scope, { testPayments: { slowApprovalMs: 1_500 }, demoStream: false, ...overrides }),
  );
  let client: pg.Client | undefined;
  return {
    server,
    scope,
    async sql(text, params) {
      if (!postgres) throw new Error('sql() needs PostgreSQL');
      if (!client) {
        client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${scope.dbSchema}` });
        await client.connect();
      }
      return (await client.query(text, params)).rows;
    },
    async stop() {
      await client?.end();
      await server.close();
      await dropIsolation(scope);
    },
  };
}

export const SHIP = {
  type: 'ship',
  address: { name: 'Ada Lovelace', line1: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
} as const;

export const CUSTOMER = { email: 'ada@example.com', name: 'Ada Lovelace' };

/** A checkout payload with the approving test card, shipped. */
export function checkoutOf(eventId: string, holdIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    eventId,
    holdIds,
    idempotencyKey: idem(),
    customer: CUSTOMER,
    fulfilment: SHIP,
    payment: { provider: 'test', card: TEST_CARDS.approve },
    ...overrides,
  };
}

/** A joined shopper holding `qty` of `sku`. */
export async function holding(server: { url: string }, eventId: string, sku = 'TEE', qty = 1) {
  const who = await shopper(server);
  const joined = await request(who.socket, 'join', { eventId });
  if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined.error)}`);
  const reserved = await request(who.socket, 'reserve', { eventId, sku, qty, idempotencyKey: idem() });
  if (!reserved.ok) throw new Error(`reserve: ${JSON.stringify(reserved.error)}`);
  return { ...who, hold: reserved.hold as { id: string; sku: string; qty: number; expiresAt: number } };
}

/** Checks out with a 20 s ack timeout (the slow card takes seconds). */
export function checkout(
  socket: { timeout(ms: number): { emitWithAck(...args: unknown[]): Promise<unknown> } },
  payload: unknown,
) {
  return socket.timeout(20_000).emitWithAck('checkout', payload) as Promise<Reply>;
}

export async function newEvent(
  server: { url: string },
  stock: Record<string, number>,
  extra: Record<string, unknown> = {},
) {
  const eventId = randomId('ev');
  await createEvent(server, { id: eventId, ...extra }, stock);
  return eventId;
}

export async function getOrder(server: { url: string }, orderId: string) {
  const got = await admin(server, 'GET', `/api/admin/orders/${orderId}`);
  return got.body as Reply;
}
