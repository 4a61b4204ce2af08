import { createHash, randomBytes } from 'node:crypto';
import {
  ErrorCode,
  LiveshopError,
  type AdminOrder,
  type LocationDraw,
  type RefundAck,
  type RefundBody,
} from '@liveshop/protocol';
import type { InventoryStore } from '@liveshop/inventory';
import type { PaymentProviders } from '@liveshop/payments';
import type { PosOutboxRows } from '../pos/pos-outbox-rows.js';
import type { CheckoutFaultHook, CheckoutService } from './checkout-service.js';
import type { SqlExecutor } from '../db/sql-store.js';
import { adminOrderView, type OrderRepository, type StoredOrder } from './order-repository.js';

/**
 * Refunds of confirmed orders (`POST /api/admin/orders/:id/refund`): recorded first, `pending`
 * (under the order's row lock, so two refunds never give back the same unit), then refunded
 * through the provider (the refund id is the provider's refund key), then restocked in Lua with a
 * `refund` ledger entry per line (idempotent on the refund id), so viewers see the units come
 * back, and only then marked `succeeded`. A refund a crash or a provider failure left `pending` is
 * finished by {@link RefundService.retryPending} (the order reconciler's pass): each of its steps
 * is idempotent and the last is conditional on `pending`, so it succeeds once and restocks once.
 * When the event's stock follows the POS, a restock also tells the POS the units are back: one
 * positive adjustment per line and provider, keyed by the refund id, written to the POS outbox in
 * the transaction that records the refund (so it is sent once, whatever fails after).
 * The same request again (the same lines, or "everything left" once nothing is left) is a no-op
 * that answers the first refund.
 */
export class RefundService {
  constructor(
    private readonly deps: {
      inventory: InventoryStore;
      orders: OrderRepository;
      payments: PaymentProviders;
      checkout: CheckoutService;
      posOutbox: PosOutboxRows;
    },
    private readonly options: { faults?: CheckoutFaultHook } = {},
  ) {}

  async view(order: StoredOrder): Promise<AdminOrder> {
    const [customer, refunds] = await Promise.all([
      this.deps.orders.customerOf(order.id),
      this.deps.orders.refunds(order.id),
    ]);
    return adminOrderView(order, { customer, refunds });
  }

  async refund(orderId: string, body: RefundBody): Promise<RefundAck> {
    const { orders } = this.deps;
    const restock = body.restock ?? true;
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify({
          lines: body.lines ? [...body.lines].sort((a, b) => a.sku.localeCompare(b.sku)) : 'rest',
          restock,
        }),
      )
      .digest('base64url');

    const recorded = await orders.withOrderLocked(orderId, async (tx, order) => {
      const { rows: earlier } = await tx.query<{ id: string }>(
        'select id from refunds where order_id = $1 and request_hash = $2',
        [orderId, requestHash],
      );
      if (earlier[0]) return { order, refundId: earlier[0].id, fresh: false, lines: [] as RefundLine[] };
      if (order.status !== 'confirmed') {
        throw new LiveshopError(
          ErrorCode.CONFLICT,
          `order ${orderId} is ${order.status}; only confirmed orders are refunded`,
        );
      }
      const lines = refundLines(order, body.lines);
      const amountCents = lines.reduce((sum, line) => sum + line.qty * line.unitPriceCents, 0);
      const refundId = `r_${randomBytes(9).toString('base64url').replaceAll(/[-_]/g, 'x')}`;
      await tx.query(
        `insert into refunds (id, order_id, request_hash, amount_cents, currency, lines, restock, state)
         values ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
        [
          refundId,
          orderId,
          requestHash,
          amountCents,
          order.currency,
          // The draws go with the lines, for a retry to restock the same locations.
          JSON.stringify(lines.map(({ sku, qty, draws }) => ({ sku, qty, draws }))),
          restock,
        ],
      );
      for (const line of lines) {
        await tx.query('update order_lines set refunded_qty = refunded_qty + $3 where order_id = $1 and sku = $2', [
          orderId,
          line.sku,
          line.qty,
        ]);
      }
      await tx.query(
        `update orders set refunded_cents = refunded_cents + $2, updated_at = now(),
           status = case when not exists (select 1 from order_lines where order_id = $1 and refunded_qty < qty)
                         then 'refunded' else status end
         where id = $1`,
        [orderId, amountCents],
      );
      await tx.query(`insert into order_steps (order_id, step, detail) values ($1, 'refunded', $2)`, [
        orderId,
        refundId,
      ]);
      if (restock) await this.#tellPos(tx, order.eventId, refundId, lines);
      return { order, refundId, fresh: true, lines, amountCents };
    });
    if (!recorded) throw new LiveshopError(ErrorCode.NOT_FOUND, `order ${orderId} does not exist`);

    if (recorded.fresh) {
      const { order, refundId, lines } = recorded;
      await this.#finish(order, { id: refundId, amountCents: recorded.amountCents ?? 0, lines, restock });
    }
    const order = (await orders.get(orderId))!;
    const view = await this.view(order);
    const refund = view.refunds.find((r) => r.id === recorded.refundId)!;
    return { order: view, refund };
  }

  /** The restock's POS adjustments, when the event follows the POS (see the class comment). */
  async #tellPos(tx: SqlExecutor, eventId: string, refundId: string, lines: RefundLine[]): Promise<void> {
    const { posOutbox } = this.deps;
    const locationId = await posOutbox.locationOf(tx, eventId);
    if (locationId === undefined) return;
    const occurredAt = Date.now();
    for (const line of lines) {
      await posOutbox.write(tx, {
        kind: 'restock',
        eventId,
        sku: line.sku,
        qty: line.qty,
        referenceId: refundId,
        occurredAt,
        keyParts: [refundId, line.sku],
        locationId,
      });
    }
  }

  /**
   * Finishes the refunds left `pending` for at least `olderThanMs` (a crash after the record, a
   * provider that failed): provider refund under the same refund key, restock under the same
   * refund id, then the record. Resolves to the refunds finished and those left for the next pass.
   */
  async retryPending(olderThanMs = 30_000): Promise<{ finished: string[]; failed: string[] }> {
    const report = { finished: [] as string[], failed: [] as string[] };
    for (const pending of await this.deps.orders.pendingRefunds(olderThanMs)) {
      try {
        const order = await this.deps.orders.get(pending.orderId);
        if (!order) continue;
        await this.#finish(order, pending);
        report.finished.push(pending.id);
      } catch {
        report.failed.push(pending.id);
      }
    }
    return report;
  }

  /** Provider refund → restock → `succeeded`; each step idempotent, the last one done once. */
  async #finish(
    order: StoredOrder,
    refund: { id: string; amountCents: number; lines: Omit<RefundLine, 'unitPriceCents'>[]; restock: boolean },
  ): Promise<void> {
    const payment = order.payment;
    const provider = this.deps.payments.get(payment?.provider);
    let reference: string | undefined;
    if (payment?.reference && provider && refund.amountCents > 0) {
      if (payment.state === 'authorized') {
        await this.deps.checkout.capture(provider, order.id, payment.key, payment.reference);
      }
      const refunded = await provider.refund({
        key: payment.key,
        reference: payment.reference,
        refundKey: refund.id,
        amountCents: refund.amountCents,
      });
      if (refunded.outcome !== 'approved') {
        throw new LiveshopError(ErrorCode.PAYMENT_FAILED, `the provider did not refund: ${refunded.message}`);
      }
      reference = refunded.refund.reference;
    }
    await this.options.faults?.('refunded', order.id);
    if (refund.restock) {
      const result = await this.deps.inventory.restock({
        eventId: order.eventId,
        orderId: order.id,
        refundId: refund.id,
        lines: refund.lines.map((line) => ({
          sku: line.sku,
          qty: line.qty,
          draws: line.draws,
          shopperId: order.shopperId ?? undefined,
        })),
      });
      if (!result.ok) throw new LiveshopError(result.error.code, `restock: ${result.error.message}`);
    }
    await this.deps.orders.recordRefund(order.id, refund.id, refund.amountCents, {
      paymentKey: reference ? payment?.key : undefined,
      reference,
    });
  }
}

interface RefundLine {
  sku: string;
  qty: number;
  unitPriceCents: number;
  /** The locations this refund's units go back to. */
  draws: LocationDraw[];
}

/** The lines to refund: those asked for (each within what is left of it), or all that is left. */
function refundLines(order: StoredOrder, asked: RefundBody['lines']): RefundLine[] {
  const bySku = new Map(order.lines.map((line) => [line.sku, line]));
  const wanted = asked ?? order.lines.map((line) => ({ sku: line.sku, qty: line.qty - (line.refundedQty ?? 0) }));
  const lines: RefundLine[] = [];
  for (const { sku, qty } of wanted) {
    if (qty === 0) continue;
    const line = bySku.get(sku);
    if (!line) throw new LiveshopError(ErrorCode.INVALID_INPUT, `lines: ${sku} is not a line of order ${order.id}`);
    const left = line.qty - (line.refundedQty ?? 0);
    if (qty > left)
      throw new LiveshopError(ErrorCode.INVALID_INPUT, `lines: only ${left} of ${sku} are left to refund`);
    lines.push({
      sku,
      qty,
      unitPriceCents: line.unitPriceCents,
      draws: drawsToReturn(line.draws, line.refundedQty ?? 0, qty),
    });
  }
  if (lines.length === 0) throw new LiveshopError(ErrorCode.CONFLICT, `order ${order.id} has nothing left to refund`);
  return lines;
}

/** Units go back from the last draw first: `before` units were already returned, `qty` go now. */
function drawsToReturn(draws: LocationDraw[], before: number, qty: number): LocationDraw[] {
  const out: LocationDraw[] = [];
  let skip = before;
  let need = qty;
  for (const draw of [...draws].reverse()) {
    let units = draw.qty;
    const skipped = Math.min(skip, units);
    skip -= skipped;
    units -= skipped;
    const take = Math.min(need, units);
    if (take > 0) out.push({ locationId: draw.locationId, qty: take });
    need -= take;
  }
  return out;
}
