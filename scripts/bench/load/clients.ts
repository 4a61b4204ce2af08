/**
 * The client sockets of one load-generator worker: opening them (with an optional join), the
 * groups they belong to, and what each has learned (its holds, the stock it was told).
 */
import { io, type Socket } from 'socket.io-client';
import { bump } from '../lib/counts.js';
import { nowMs } from '../lib/stats.js';
import type { ConnectArgs, ConnectResult } from './protocol.js';

/** What the generator reads from any ack: `ok`, and the error code when refused. */
export interface Ack {
  ok: boolean;
  error?: { code?: string; message?: string };
}
export interface StockSeen {
  at: number;
  available: number;
}
export interface Client {
  socket: Socket;
  group: string;
  /** Position in its group in this worker. */
  index: number;
  /** Per watched SKU, every `stock` message's receipt time and stock since the last `watch`. */
  seen: Map<string, StockSeen[]>;
  /** Receipt time of every `stock` message carrying a watched SKU since the last `watch`. */
  messageTimes: number[];
  /** Whether the client joined an event (and so hears its stock). */
  inRoom: boolean;
  /** Stock per SKU in the join ack's snapshot. */
  joined: Map<string, number>;
  holds: { id: string; sku: string; qty: number }[];
  dropped: boolean;
}

export const DEFAULT_GROUP = 'default';
export const DEFAULT_ACK_TIMEOUT_MS = 30_000;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;

export const workerIndex = process.env.LOAD_WORKER_INDEX ?? '0';
let clients: Client[] = [];

export const outcomeOf = (ack: Ack): string => (ack.ok ? 'ok' : (ack.error?.code ?? 'UNKNOWN'));

/** The clients of a group, or every client when no group is named. */
export function members(group?: string): Client[] {
  return group === undefined ? clients : clients.filter((client) => client.group === group);
}

/** Removes the clients of a group (or every client) from the pool and returns them. */
export function removeMembers(group?: string): Client[] {
  const removed = members(group);
  clients = group === undefined ? [] : clients.filter((client) => client.group !== group);
  return removed;
}

/**
 * A refused handshake's reason: the code a server middleware attached (`error.data.code`, e.g.
 * `RATE_LIMITED`), else socket.io-client's message ("websocket error", "timeout", …).
 */
function connectErrorLabel(error: Error & { data?: { code?: unknown } }): string {
  const code = error.data?.code;
  return typeof code === 'string' ? code : error.message.slice(0, 60);
}

function openClient(args: ConnectArgs, group: string, index: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = io(args.url + args.namespace, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: args.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    });
    const client: Client = {
      socket,
      group,
      index,
      seen: new Map(),
      messageTimes: [],
      inRoom: false,
      joined: new Map(),
      holds: [],
      dropped: false,
    };
    socket.on('stock', (message: { items?: { sku: string; available: number }[] }) => {
      if (client.seen.size === 0) return;
      const at = nowMs();
      let watched = false;
      for (const item of message.items ?? []) {
        const seen = client.seen.get(item.sku);
        if (!seen) continue;
        seen.push({ at, available: item.available });
        watched = true;
      }
      if (watched) client.messageTimes.push(at);
    });
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(new Error(connectErrorLabel(error)));
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') client.dropped = true;
    });
  });
}

/** Opens `args.count` clients in `args.concurrency` lanes; each joins `args.eventId` when set. */
export async function connect(args: ConnectArgs, progress: (done: number) => void): Promise<ConnectResult> {
  const started = nowMs();
  const group = args.group ?? DEFAULT_GROUP;
  const result: ConnectResult = { connected: 0, failed: 0, joinFailed: 0, errors: {}, ms: 0 };
  let next = members(group).length;
  const end = next + args.count;
  let done = 0;
  const lane = async () => {
    while (next < end) {
      const index = next;
      next += 1;
      try {
        const client = await openClient(args, group, index);
        clients.push(client);
        result.connected += 1;
        if (args.eventId) await joinEvent(client, args.eventId, args.timeoutMs, result);
      } catch (error) {
        result.failed += 1;
        bump(result.errors, (error as Error).message);
      }
      done += 1;
      progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, lane));
  result.ms = nowMs() - started;
  return result;
}

async function joinEvent(
  client: Client,
  eventId: string,
  timeoutMs: number | undefined,
  result: ConnectResult,
): Promise<void> {
  let ack: Ack & { products?: { sku: string; available: number }[] };
  try {
    ack = (await client.socket.timeout(timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS).emitWithAck('join', { eventId })) as Ack;
  } catch {
    ack = { ok: false, error: { code: 'TIMEOUT' } };
  }
  if (!ack.ok) {
    result.joinFailed += 1;
    bump(result.errors, `join:${outcomeOf(ack)}`);
    return;
  }
  client.inRoom = true;
  for (const product of ack.products ?? []) client.joined.set(product.sku, product.available);
}
