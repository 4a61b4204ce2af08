import { InventoryStore } from '@liveshop/inventory';
import type { JoinAck, StockMessage } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { idem, type Reply } from './harness.js';

/**
 * Clients for bursts that survive faults: they reconnect by themselves (a killed server process,
 * a restarted Redis, a dropped network), keep their shopper session across reconnects, and retry
 * a reserve with the same idempotency key until it is answered, as the widget does.
 */
const sockets = new Set<Socket>();

export interface SturdyClient {
  socket: Socket;
  shopperId: string;
  /** How many times the connection was lost. */
  drops: number;
}

/** A `/shop` client that reconnects (WebSocket only, like the widget) and keeps its session. */
export async function sturdyShopper(url: string): Promise<SturdyClient> {
  const socket = connect(`${url}/shop`, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1_000,
    auth: {},
  });
  sockets.add(socket);
  const client: SturdyClient = { socket, shopperId: '', drops: 0 };
  socket.on('disconnect', () => (client.drops += 1));
  socket.on('session', ({ session, shopperId }: { session: string; shopperId: string }) => {
    socket.auth = { session };
    client.shopperId = shopperId;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

/** A viewer: a sturdy shopper in the event's room, joining again after every reconnect (its resync). */
export async function sturdyViewer(url: string, eventId: string) {
  const client = await sturdyShopper(url);
  const stock: StockMessage[] = [];
  const pinned: string[][] = [];
  const chat: string[] = [];
  /** The latest (generation, version, available) seen per SKU, from pushes and from join snapshots. */
  const latest = new Map<string, { generation: number; version: number; available: number }>();
  const apply = (sku: string, generation: number, version: number, available: number) => {
    const seen = latest.get(sku);
    if (!seen || generation > seen.generation || (generation === seen.generation && version > seen.version))
      latest.set(sku, { generation, version, available });
  };
  client.socket.on('stock', (message: StockMessage) => {
    stock.push(message);
    for (const item of message.items) apply(item.sku, item.generation ?? 0, item.version, item.available);
  });
  client.socket.on('pinned', (message: { skus: string[] }) => pinned.push(message.skus));
  client.socket.on('chat', (message: { text: string }) => chat.push(message.text));
  let joins = 0;
  const join = async () => {
    const ack = (await client.socket.timeout(5_000).emitWithAck('join', { eventId })) as Reply & JoinAck;
    if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack.error)}`);
    joins += 1;
    for (const p of ack.products) apply(p.sku, p.generation ?? 0, p.version, p.available);
    return ack;
  };
  const joined = await join();
  client.socket.io.on('reconnect', () => void join().catch(() => undefined));
  // The same object, so `drops` stays live.
  return Object.assign(client, { joined, stock, pinned, chat, latest, joins: () => joins });
}

export type SturdyViewer = Awaited<ReturnType<typeof sturdyViewer>>;

/** Resolves once connected (at once when it is). */
function connected(socket: Socket, timeoutMs: number): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not reconnected in time')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Sends the reserve until it is answered: a lost connection, an ack that never comes or
 * `UNAVAILABLE` is retried with the same idempotency key (so a reserve carried out before its
 * answer was lost is answered by its replay, never done twice). Gives up after `deadlineMs`.
 */
export async function reserveUntilAnswered(
  client: SturdyClient,
  body: { eventId: string; sku: string; qty: number },
  deadlineMs = 30_000,
): Promise<Reply & { attempts: number }> {
  const payload = { ...body, idempotencyKey: idem() };
  const deadline = Date.now() + deadlineMs;
  for (let attempts = 1; ; attempts += 1) {
    if (Date.now() > deadline) throw new Error(`reserve of ${client.shopperId} not answered within ${deadlineMs} ms`);
    try {
      await connected(client.socket, Math.max(0, deadline - Date.now()));
      const ack = (await client.socket.timeout(3_000).emitWithAck('reserve', payload)) as Reply;
      if (ack.ok || ack.error?.code !== 'UNAVAILABLE') return { ...ack, attempts };
    } catch {
      // no answer (connection lost, or the process died): same key again
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  }
}

export function closeSturdyClients(): void {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
}

/** Tallies a burst's answers by outcome; `unexpected` lists codes other than SOLD_OUT. */
export function tally(acks: Reply[]) {
  const holdIds = acks.filter((ack) => ack.ok).map((ack) => ack.hold.id as string);
  const soldOut = acks.filter((ack) => ack.error?.code === 'SOLD_OUT').length;
  const unexpected = acks.filter((ack) => !ack.ok && ack.error?.code !== 'SOLD_OUT').map((ack) => ack.error?.code);
  return { holdIds, uniqueHolds: new Set(holdIds).size, soldOut, unexpected };
}

/**
 * What Redis holds for one SKU, checked: available + held + sold == allocated, nothing negative,
 * and the hold records (their ids, their units) are exactly `held`. Returns the counts, the hold
 * ids on record and the problems found.
 */
export async function checkSku(redis: Redis | Cluster, keyPrefix: string, eventId: string, sku: string) {
  const store = new InventoryStore(redis, { prefix: keyPrefix });
  const stock = (await store.snapshot(eventId)).find((s) => s.sku === sku);
  const problems: string[] = [];
  if (!stock) return { stock, holdIds: [] as string[], problems: [`${sku}: no stock`] };
  const { allocated, available, held, sold } = stock;
  if ([allocated, available, held, sold].some((n) => n < 0)) problems.push(`negative counts ${JSON.stringify(stock)}`);
  if (available + held + sold !== allocated) problems.push(`counts do not add up: ${JSON.stringify(stock)}`);
  const fields = await redis.hgetall(store.keys.holdData(eventId, sku));
  const holdIds = Object.keys(fields).filter((field) => field.startsWith('h'));
  const units = holdIds.reduce((sum, id) => sum + Number(fields[id]!.split('|')[0]), 0);
  if (units !== held) problems.push(`held ${held} but hold records hold ${units}`);
  return { stock, holdIds, problems };
}
