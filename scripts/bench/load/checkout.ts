/**
 * The checkout after a burst: every client of the group that holds holds sends the `/shop`
 * `checkout` for them at once (test-provider card, a shipping address), and the answers are
 * counted as the server gave them.
 */
import { bump } from '../lib/counts.js';
import { nowMs } from '../lib/stats.js';
import { DEFAULT_ACK_TIMEOUT_MS, members, outcomeOf, workerIndex, type Ack } from './clients.js';
import type { CheckoutArgs, CheckoutResult } from './protocol.js';

interface CheckoutAck extends Ack {
  order?: { status?: string };
}

export async function checkout(args: CheckoutArgs, progress: (done: number) => void): Promise<CheckoutResult> {
  const buyers = members(args.group).filter((client) => client.holds.length > 0 && client.socket.connected);
  const result: CheckoutResult = {
    attempted: buyers.length,
    latencies: [],
    outcomes: {},
    messages: {},
    firstEmitMs: nowMs(),
    lastAckMs: nowMs(),
  };
  let answered = 0;
  await Promise.all(
    buyers.map(async (client) => {
      const shopper = `${args.runId}-${workerIndex}-${client.group}-${client.index}`;
      const name = `Ghost shopper ${workerIndex}-${client.index}`;
      const payload = {
        eventId: args.eventId,
        holdIds: client.holds.map((hold) => hold.id),
        idempotencyKey: `${shopper}-checkout`,
        customer: { email: `${shopper}@example.com`, name },
        fulfilment: {
          type: 'ship',
          address: { name, line1: '1 Test Street', city: 'Testville', postalCode: '10001', country: 'US' },
        },
        payment: { provider: 'test', card: args.card },
      };
      const sent = nowMs();
      let ack: CheckoutAck;
      try {
        ack = (await client.socket
          .timeout(args.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS)
          .emitWithAck('checkout', payload)) as CheckoutAck;
      } catch {
        ack = { ok: false, error: { code: 'TIMEOUT', message: 'no answer in time' } };
      }
      const acked = nowMs();
      const outcome = ack.ok ? `ok:${ack.order?.status ?? 'no order status'}` : outcomeOf(ack);
      if (outcome !== 'TIMEOUT') {
        result.latencies.push(acked - sent);
        result.lastAckMs = Math.max(result.lastAckMs, acked);
      }
      bump(result.outcomes, outcome);
      if (!ack.ok && ack.error?.message && !(outcome in result.messages)) {
        result.messages[outcome] = ack.error.message.slice(0, 200);
      }
      answered += 1;
      progress(answered);
    }),
  );
  return result;
}
