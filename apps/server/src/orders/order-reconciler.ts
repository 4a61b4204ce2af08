import { setTimeout as sleep } from 'node:timers/promises';
import type { InventoryStore } from '@liveshop/inventory';
import type { PaymentProviders } from '@liveshop/payments';
import createDebug from 'debug';
import type { ServerMetrics } from '../metrics/metrics.js';
import { superviseLoop, type SupervisedLoop } from '../workers/supervised-loop.js';
import { drawsBySku, type CheckoutService } from './checkout-service.js';
import type { OrderRepository, StoredOrder } from './order-repository.js';
import type { RefundService } from './refund-service.js';

const debug = createDebug('liveshop:orders');

/** What one pass did. */
export interface SettleReport {
  confirmed: string[];
  cancelled: string[];
  captured: string[];
  /** Refunds a crash or a provider failure had left `pending`, finished. */
  refunded: string[];
  /** Orders (and refunds) left for the next pass (the provider could not be asked). */
  deferred: string[];
}

/**
 * Settles what a crash (or an unknown payment answer) left half done, at start and every minute:
 *
 * - every `pending` order whose holds' deadline has passed (on the Redis clock, with a margin), so
 *   that its holds are either committed under its order id or can never be: the commit's record
 *   under the order id ({@link InventoryStore.findCommit}, one GET, no ledger scan) found →
 *   `confirmed`, then the payment captured; not found → `cancelled`, the payment voided if the
 *   provider authorized it (or is about to), and the event's due holds returned to stock;
 * - every `confirmed` order whose payment is still only authorized (a capture that failed) →
 *   captured;
 * - every refund left `pending` for a while (a crash between its record and its end, a provider
 *   that failed) → refunded, restocked and recorded ({@link RefundService.retryPending}).
 *
 * Every process may run one: each change is conditional on the order's status, and the
 * provider calls are idempotent on the payment's key.
 */
export class OrderReconciler {
  #loop: SupervisedLoop | null = null;

  constructor(
    private readonly deps: {
      inventory: InventoryStore;
      orders: OrderRepository;
      payments: PaymentProviders;
      checkout: CheckoutService;
      refunds: RefundService;
      metrics?: ServerMetrics;
    },
    private readonly options: { intervalMs?: number; marginMs?: number; refundRetryAfterMs?: number } = {},
  ) {}

  start(): void {
    const intervalMs = this.options.intervalMs ?? 60_000;
    this.#loop ??= superviseLoop(
      'order-reconciler',
      async (signal) => {
        // The first pass is the caller's, at start; then one per interval.
        while (!signal.aborted) {
          await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
          if (signal.aborted) return;
          await this.settleNow();
        }
      },
      { onRestart: () => this.deps.metrics?.workerRestarts.labels('order-reconciler').inc() },
    );
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
  }

  /** One pass over the orders to settle. */
  async settleNow(): Promise<SettleReport> {
    const { inventory, orders } = this.deps;
    const report: SettleReport = { confirmed: [], cancelled: [], captured: [], refunded: [], deferred: [] };
    const now = await inventory.now();
    const touchedEvents = new Set<string>();
    for (const order of await orders.settleable(now - (this.options.marginMs ?? 2_000))) {
      try {
        const outcome = await this.#settle(order);
        if (outcome === 'cancelled') touchedEvents.add(order.eventId);
        if (outcome) report[outcome].push(order.id);
      } catch (error) {
        debug('order %s left for later: %s', order.id, (error as Error).message);
        report.deferred.push(order.id);
      }
    }
    // The cancelled orders' holds are past their deadline: give their units back now.
    for (const eventId of touchedEvents) await inventory.expireDue(eventId);
    for (const order of await orders.uncaptured()) {
      const provider = this.deps.payments.get(order.payment?.provider);
      const payment = order.payment;
      if (!provider || !payment?.reference) continue;
      if (await this.deps.checkout.capture(provider, order.id, payment.key, payment.reference))
        report.captured.push(order.id);
    }
    const refunds = await this.deps.refunds.retryPending(this.options.refundRetryAfterMs ?? 30_000);
    report.refunded.push(...refunds.finished);
    report.deferred.push(...refunds.failed);
    if (report.confirmed.length + report.cancelled.length + report.refunded.length > 0) debug('settled %o', report);
    return report;
  }

  async #settle(order: StoredOrder): Promise<'confirmed' | 'cancelled' | 'deferred' | null> {
    const { inventory, orders } = this.deps;
    const provider = this.deps.payments.get(order.payment?.provider);
    const payment = order.payment;
    const commit = await inventory.findCommit(order.eventId, order.id);
    if (commit) {
      await orders.confirm(order.id, drawsBySku(commit.items));
      await orders.step(order.id, 'confirmed', 'reconciler: commit found');
      if (provider && payment) {
        const found = await provider.retrieve({ key: payment.key, reference: payment.reference });
        if (found.outcome === 'found') {
          await orders.recordPayment(order.id, payment.key, found.payment, 'authorized');
          if (found.payment.state === 'authorized') {
            await this.deps.checkout.capture(provider, order.id, payment.key, found.payment.reference);
          }
        }
      }
      return 'confirmed';
    }
    // No commit, and past the deadline none can happen: nothing is sold, nothing may stay charged.
    if (provider && payment) {
      const found = await provider.retrieve({ key: payment.key, reference: payment.reference });
      if (found.outcome === 'failed' || found.outcome === 'rejected') return 'deferred';
      if (found.outcome === 'found' && ['authorized', 'pending', 'captured'].includes(found.payment.state)) {
        const reference = found.payment.reference;
        if (found.payment.state === 'captured') {
          // Never captured before a commit by this server; refund what a foreign capture took.
          const refunded = await provider.refund({
            key: payment.key,
            reference,
            refundKey: `${order.id}-cancel`,
            amountCents: found.payment.capturedCents,
          });
          if (refunded.outcome !== 'approved') return 'deferred';
        } else {
          const voided = await provider.void({ key: payment.key, reference });
          if (voided.outcome !== 'approved') return 'deferred';
          await orders.recordPayment(order.id, payment.key, voided.payment, 'voided');
        }
      } else if (found.outcome === 'found') {
        await orders.setPaymentState(payment.key, found.payment.state, found.payment.reference);
      } else {
        await orders.setPaymentState(payment.key, 'failed');
      }
    }
    await orders.cancel(order.id, 'abandoned');
    return 'cancelled';
  }
}
