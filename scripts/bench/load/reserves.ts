/** Reserve traffic of one worker: a closed loop for throughput, and the burst (Buy Now, once each). */
import { bump } from '../lib/counts.js';
import { nowMs } from '../lib/stats.js';
import { DEFAULT_ACK_TIMEOUT_MS, members, outcomeOf, workerIndex, type Ack, type Client } from './clients.js';
import type { BurstArgs, BurstResult, ReserveLoopArgs, ReserveLoopResult } from './protocol.js';

interface ReserveAck extends Ack {
  hold?: { id: string; sku?: string; qty?: number };
  available?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every client reserves in a closed loop (one request in flight each) for warm-up plus duration. */
export async function reserveLoop(args: ReserveLoopArgs): Promise<ReserveLoopResult> {
  const measuredStart = nowMs() + args.warmupMs;
  const measuredEnd = measuredStart + args.durationMs;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  await Promise.all(
    members().map(async (client, index) => {
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
          outcome = outcomeOf(
            (await client.socket.timeout(DEFAULT_ACK_TIMEOUT_MS).emitWithAck('reserve', payload)) as Ack,
          );
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

/**
 * Every client of the group emits one reserve: all at once (a tight loop over the sockets), or
 * paced at `ratePerSecond`; then waits for every ack. The n-th client taps `skus[n % skus.length]`.
 */
export async function burst(args: BurstArgs, progress: (done: number) => void): Promise<BurstResult> {
  const shoppers = members(args.group);
  const qty = args.qty ?? 1;
  const timeoutMs = args.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const result: BurstResult = {
    latencies: [],
    outcomes: {},
    outcomesBySku: Object.fromEntries(args.skus.map((sku) => [sku, {}])),
    messages: {},
    holdIds: [],
    grants: [],
    firstEmitMs: 0,
    lastAckMs: 0,
  };
  let answered = 0;
  const fire = async (client: Client, n: number) => {
    const sku = args.skus[n % args.skus.length]!;
    const sent = nowMs();
    let ack: ReserveAck;
    try {
      ack = (await client.socket.timeout(timeoutMs).emitWithAck('reserve', {
        eventId: args.eventId,
        sku,
        qty,
        idempotencyKey: `${args.runId}-${workerIndex}-${client.group}-${client.index}`,
      })) as ReserveAck;
    } catch {
      ack = { ok: false, error: { code: 'TIMEOUT' } };
    }
    const acked = nowMs();
    const outcome = outcomeOf(ack);
    if (outcome !== 'TIMEOUT') {
      result.lastAckMs = Math.max(result.lastAckMs, acked);
      result.latencies.push(acked - sent);
    }
    bump(result.outcomes, outcome);
    bump(result.outcomesBySku[sku]!, outcome);
    if (!ack.ok && ack.error?.message && !(outcome in result.messages)) {
      result.messages[outcome] = ack.error.message.slice(0, 200);
    }
    if (ack.ok && ack.hold) {
      const held = { id: ack.hold.id, sku, qty: ack.hold.qty ?? qty };
      client.holds.push(held);
      result.holdIds.push(held.id);
      result.grants.push({ sku, qty: held.qty, holdId: held.id, ackAtMs: acked, available: ack.available ?? NaN });
    }
    answered += 1;
    progress(answered);
  };

  if (args.startAtMs !== undefined) await sleep(Math.max(0, args.startAtMs - nowMs()));
  result.firstEmitMs = nowMs();
  result.lastAckMs = result.firstEmitMs;
  const pending: Promise<void>[] = [];
  const rate = args.ratePerSecond;
  if (!rate) {
    shoppers.forEach((client, n) => pending.push(fire(client, n)));
  } else {
    // Paced: at each tick, emit what is due since the first emit (one at once, then `rate` a second).
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        const due = Math.min(shoppers.length, 1 + Math.floor(((nowMs() - result.firstEmitMs) * rate) / 1000));
        for (; next < due; next += 1) pending.push(fire(shoppers[next]!, next));
        if (next < shoppers.length) return;
        clearInterval(timer);
        resolve();
      };
      const timer = setInterval(tick, 5);
      tick();
    });
  }
  await Promise.all(pending);
  return result;
}
