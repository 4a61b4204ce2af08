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
import type { CheckoutService } from './checkout-service.js';
import type { SqlExecutor } from '../db/sql-store.js';
import { adminOrderView, type OrderRepository, type StoredOrder } from './order-repository.js';

/**
 * Refunds of confirmed orders (`POST /api/admin/orders/:id/refund`): recorded first (under the
 * order's row lock, so two refunds never give back the same unit), then refunded through the
 * provider (the refund id is the provider's refund key), then restocked in Lua with a `refund`
 * ledger entry per line (idempotent on the refund id), so viewers see the units come back. When the
 * event's stock follows the POS, a restock also tells the POS the units are back: one positive
 * adjustment per line and provider, keyed by the refund id, written to the POS outbox in the
 * transaction that records the refund (so it is sent once, whatever fails after). The
 * same request again (the same lines, or "everything left" once nothing is left) is a no-op that
 * answers the first refund.
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
          JSON.stringify(lines.map(({ sku, qty }) => ({ sku, qty }))),
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
      const amountCents = recorded.amountCents ?? 0;
      await this.#refundPayment(order, refundId, amountCents);
      if (restock) {
        const result = await this.deps.inventory.restock({
          eventId: order.eventId,
          orderId,
          refundId,
          lines: lines.map((line) => ({
            sku: line.sku,
            qty: line.qty,
            draws: line.draws,
            shopperId: order.shopperId ?? undefined,
          })),
        });
        if (!result.ok) throw new LiveshopError(result.error.code, `restock: ${result.error.message}`);
      }
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

  async #refundPayment(order: StoredOrder, refundId: string, amountCents: number): Promise<void> {
    const payment = order.payment;
    const provider = this.deps.payments.get(payment?.provider);
    if (!payment?.reference || !provider || amountCents === 0) return;
    if (payment.state === 'authorized') {
      await this.deps.checkout.capture(provider, order.id, payment.key, payment.reference);
    }
    const refunded = await provider.refund({
      key: payment.key,
      reference: payment.reference,
      refundKey: refundId,
      amountCents,
    });
    if (refunded.outcome !== 'approved') {
      throw new LiveshopError(ErrorCode.PAYMENT_FAILED, `the provider did not refund: ${refunded.message}`);
    }
    await this.deps.orders.recordRefund(order.id, payment.key, refundId, refunded.refund.reference, amountCents);
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
