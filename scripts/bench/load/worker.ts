/**
 * One load-generator process: holds a share of the client sockets and runs the commands the
 * parent sends over IPC. Several of these run side by side so 10,000 sockets never sit in one
 * event loop (or hit one process's file-descriptor limit).
 */
import { io, type Socket } from 'socket.io-client';
import { nowMs } from '../lib/stats.js';
import type {
  BurstArgs,
  BurstResult,
  ConnectArgs,
  ConnectResult,
  ReserveLoopArgs,
  ReserveLoopResult,
  WatchReportArgs,
  WatchReportResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';

interface Ack {
  ok: boolean;
  hold?: { id: string };
  error?: { code: string };
}
interface StockMessage {
  items?: { sku: string; available: number }[];
}
interface Client {
  socket: Socket;
  /** Receipt time and stock of each watched `stock` message. */
  seen: { at: number; available: number }[];
}

const ACK_TIMEOUT_MS = 30_000;
const workerIndex = process.env.LOAD_WORKER_INDEX ?? '0';
let clients: Client[] = [];
let watchedSku: string | null = null;
let disconnects = 0;

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
const outcomeOf = (ack: Ack) => (ack.ok ? 'ok' : (ack.error?.code ?? 'UNKNOWN'));

function openClient(args: ConnectArgs): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = io(args.url + args.namespace, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000,
    });
    const client: Client = { socket, seen: [] };
    socket.on('stock', (message: StockMessage) => {
      if (watchedSku === null) return;
      const at = nowMs();
      const item = message.items?.find((entry) => entry.sku === watchedSku);
      if (item) client.seen.push({ at, available: item.available });
    });
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') disconnects += 1;
    });
  });
}

async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const started = nowMs();
  const result: ConnectResult = { connected: 0, failed: 0, joinFailed: 0, errors: {}, ms: 0 };
  let next = 0;
  const lane = async () => {
    while (next < args.count) {
      next += 1;
      try {
        const client = await openClient(args);
        clients.push(client);
        result.connected += 1;
        if (args.eventId) {
          const ack = (await client.socket
            .timeout(ACK_TIMEOUT_MS)
            .emitWithAck('join', { eventId: args.eventId })) as Ack;
          if (!ack.ok) {
            result.joinFailed += 1;
            bump(result.errors, `join:${outcomeOf(ack)}`);
          }
        }
      } catch (error) {
        result.failed += 1;
        bump(result.errors, (error as Error).message.slice(0, 60));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, lane));
  result.ms = nowMs() - started;
  return result;
}

/** Every client reserves in a closed loop (one request in flight each) for warm-up plus duration. */
async function reserveLoop(args: ReserveLoopArgs): Promise<ReserveLoopResult> {
  const measuredStart = nowMs() + args.warmupMs;
  const measuredEnd = measuredStart + args.durationMs;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  await Promise.all(
    clients.map(async (client, index) => {
      let seq = 0;
      while (nowMs() < measuredEnd && client.socket.connected) {
        seq += 1;
        const payload = {
          eventId: args.eventId,
          sku: args.sku,
          qty: 1,
          idempotencyKey: `${args.runId}-${workerIndex}-${index}-${seq}`,
        };
        const sent = nowMs();
        let outcome: string;
        try {
          outcome = outcomeOf((await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('reserve', payload)) as Ack);
        } catch {
          outcome = 'TIMEOUT';
        }
        const acked = nowMs();
        if (acked >= measuredStart && acked <= measuredEnd) {
          latencies.push(acked - sent);
          bump(outcomes, outcome);
        }
      }
    }),
  );
  return { latencies, outcomes, durationMs: args.durationMs };
}

/** Every client emits one reserve at once (a tight loop over the sockets), then waits for all acks. */
async function burst(args: BurstArgs): Promise<BurstResult> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const holdIds: string[] = [];
  const firstEmitMs = nowMs();
  let lastAckMs = firstEmitMs;
  const pending = clients.map((client, index) => {
    const sent = nowMs();
    return client.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('reserve', {
        eventId: args.eventId,
        sku: args.sku,
        qty: 1,
        idempotencyKey: `${args.runId}-${workerIndex}-${index}`,
      })
      .then(
        (ack: Ack) => {
          lastAckMs = nowMs();
          latencies.push(lastAckMs - sent);
          bump(outcomes, outcomeOf(ack));
          if (ack.ok && ack.hold) holdIds.push(ack.hold.id);
        },
        () => bump(outcomes, 'TIMEOUT'),
      );
  });
  await Promise.all(pending);
  return { latencies, outcomes, holdIds, firstEmitMs, lastAckMs };
}

function watchReport(args: WatchReportArgs): WatchReportResult {
  const result: WatchReportResult = {
    latencies: args.triggers.map(() => []),
    missed: 0,
    viewers: clients.length,
    maxPerSecond: 0,
    totalMessages: 0,
    lastMismatch: 0,
  };
  for (const client of clients) {
    const seen = client.seen;
    result.totalMessages += seen.length;
    args.triggers.forEach((trigger, i) => {
      const first = seen.find((message) => message.at >= trigger.atMs && message.available <= trigger.available);
      if (first) result.latencies[i]!.push(first.at - trigger.atMs);
      else result.missed += 1;
    });
    // Sliding 1-second window over receipt times (already in order).
    let start = 0;
    for (let end = 0; end < seen.length; end += 1) {
      while (seen[end]!.at - seen[start]!.at >= 1000) start += 1;
      result.maxPerSecond = Math.max(result.maxPerSecond, end - start + 1);
    }
    if (args.finalAvailable !== undefined && seen.at(-1)?.available !== args.finalAvailable) {
      result.lastMismatch += 1;
    }
  }
  return result;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'connect':
      return connect(request.args);
    case 'reserveLoop':
      return reserveLoop(request.args);
    case 'burst':
      return burst(request.args);
    case 'watch':
      watchedSku = request.args.sku;
      for (const client of clients) client.seen = [];
      return { viewers: clients.length };
    case 'watchReport':
      return watchReport(request.args);
    case 'disconnect': {
      const closed = clients.length;
      for (const client of clients) client.socket.close();
      clients = [];
      watchedSku = null;
      const unexpected = disconnects;
      disconnects = 0;
      return { closed, unexpectedDisconnects: unexpected };
    }
  }
}

process.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) => process.send!({ id: request.id, ok: false, error: String(error) } satisfies WorkerResponse),
  );
});
process.on('disconnect', () => process.exit(0));
