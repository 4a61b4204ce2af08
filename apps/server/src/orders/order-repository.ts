import type {
  AdminOrder,
  Customer,
  ExternalFulfilment,
  Fulfilment,
  LocationDraw,
  OrderLine,
  OrderPaymentView,
  OrderSource,
  OrderStatus,
  OrderView,
  PaymentProviderName,
  RefundView,
} from '@liveshop/protocol';
import type { Payment } from '@liveshop/payments';
import { GroupWriter } from '../db/group-writer.js';
import type { SqlExecutor, SqlStore } from '../db/sql-store.js';

/** A payment's state as the provider answered it, recorded with the order's step. */
interface PaymentRecord {
  orderId: string;
  key: string;
  payment: Payment;
  step: OrderStep;
}

/** Every step an order records, in the order a checkout takes them (then the other endings). */
export type OrderStep =
  | 'checked'
  | 'extended'
  | 'pending'
  | 'authorized'
  | 'committed'
  | 'confirmed'
  | 'captured'
  | 'declined'
  | 'failed'
  | 'voided'
  | 'cancelled'
  | 'refunded'
  | 'capture_failed';

/** A line as written with a new order. */
export interface NewLine {
  sku: string;
  title: string;
  qty: number;
  unitPriceCents: number;
}

/** What a new pending order is written with (its payment row too, when it has one). */
export interface NewOrder {
  id: string;
  eventId: string;
  source: OrderSource;
  scope: string;
  idempotencyKey: string;
  requestHash: string;
  shopperId?: string;
  /** The buyer's profile, as the customer resolver found or made it. */
  customerId?: number;
  orderRef?: string;
  currency: string;
  totalCents: number;
  fulfilment: Fulfilment | ExternalFulfilment;
  holdIds: string[];
  holdDeadlineMs: number;
  lines: NewLine[];
  payment?: { key: string; provider: PaymentProviderName };
  /** Steps already taken before the order existed (`checked`, `extended`), recorded with `pending`. */
  steps: OrderStep[];
}

/** An order as stored. */
export interface StoredOrder {
  id: string;
  number: number;
  eventId: string;
  source: OrderSource;
  status: OrderStatus;
  requestHash: string;
  shopperId: string | null;
  orderRef: string | null;
  currency: string;
  totalCents: number;
  refundedCents: number;
  fulfilment: Fulfilment | ExternalFulfilment;
  holdIds: string[];
  holdDeadlineMs: number | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
  lines: (OrderLine & { draws: LocationDraw[] })[];
  payment: (OrderPaymentView & { provider: PaymentProviderName }) | null;
}

interface OrderRow {
  id: string;
  number: string | number;
  event_id: string;
  source: OrderSource;
  status: OrderStatus;
  request_hash: string;
  shopper_id: string | null;
  order_ref: string | null;
  currency: string;
  total_cents: string | number;
  refunded_cents: string | number;
  fulfilment: Fulfilment | ExternalFulfilment | string;
  hold_ids: string[];
  hold_deadline_ms: string | number | null;
  cancel_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}
interface LineRow {
  order_id: string;
  sku: string;
  title: string;
  qty: number;
  unit_price_cents: string | number;
  refunded_qty: number;
  draws: LocationDraw[] | string;
}
interface PaymentRow {
  key: string;
  order_id: string;
  provider: PaymentProviderName;
  reference: string | null;
  state: OrderPaymentView['state'];
  amount_cents: string | number;
  captured_cents: string | number;
  refunded_cents: string | number;
  card_brand: string | null;
  card_last4: string | null;
}

const ORDER_COLUMNS = `id, number, event_id, source, status, request_hash, shopper_id, order_ref, currency, total_cents,
  refunded_cents, fulfilment, hold_ids, hold_deadline_ms, cancel_reason, created_at, updated_at`;

/**
 * SQL access to orders, their lines, steps and payments, customers and refunds. Each method is
 * one statement (or one transaction), so a crash leaves every order at a recorded step.
 */
export class OrderRepository {
  constructor(private readonly db: SqlStore) {}

  /**
   * Writes a new `pending` order, its lines, payment (state `pending`) and first steps
   * in one statement (one implicit transaction, one round trip). Resolves to the order's number,
   * or null when the idempotency key is taken (the other order wins; nothing of this one is written).
   */
  async insertPending(order: NewOrder): Promise<number | null> {
    const steps = [...order.steps, 'pending' as const];
    const { rows } = await this.db.query<{ number: string | number }>(
      `with inserted as (
         insert into orders (id, event_id, source, status, idempotency_scope, idempotency_key, request_hash, shopper_id,
           customer_id, order_ref, currency, total_cents, fulfilment, hold_ids, hold_deadline_ms)
         values ($1, $2, $3, 'pending', $4, $5, $6, $7, $15::bigint, $8, $9, $10, $11, $12, $13)
         on conflict (event_id, idempotency_scope, idempotency_key) do nothing
         returning id, number),
       lines as (
         insert into order_lines (order_id, sku, title, qty, unit_price_cents)
         select inserted.id, l.sku, l.title, l.qty, l.price
           from inserted, unnest($16::text[], $17::text[], $18::int[], $19::bigint[]) as l(sku, title, qty, price)),
       payment as (
         insert into payments (key, order_id, provider, state, currency, amount_cents)
         select $20::text, inserted.id, $21::text, 'pending', $9, $10 from inserted where $20::text is not null),
       steps as (
         insert into order_steps (order_id, step)
         select inserted.id, s.step from inserted, unnest($14::text[]) with ordinality as s(step, n) order by s.n)
       select number from inserted`,
      [
        order.id,
        order.eventId,
        order.source,
        order.scope,
        order.idempotencyKey,
        order.requestHash,
        order.shopperId ?? null,
        order.orderRef ?? null,
        order.currency,
        order.totalCents,
        JSON.stringify(order.fulfilment),
        order.holdIds,
        order.holdDeadlineMs,
        steps,
        order.customerId ?? null,
        order.lines.map((line) => line.sku),
        order.lines.map((line) => line.title),
        order.lines.map((line) => line.qty),
        order.lines.map((line) => line.unitPriceCents),
        order.payment?.key ?? null,
        order.payment?.provider ?? null,
      ],
    );
    return rows[0] ? Number(rows[0].number) : null;
  }

  /** Records a step (one statement). */
  async step(orderId: string, step: OrderStep, detail?: string): Promise<void> {
    await this.db.query('insert into order_steps (order_id, step, detail) values ($1, $2, $3)', [
      orderId,
      step,
      detail ?? null,
    ]);
  }

  /** The order's steps, oldest first. */
  async steps(orderId: string): Promise<{ step: OrderStep; detail: string | null }[]> {
    const { rows } = await this.db.query<{ step: OrderStep; detail: string | null }>(
      'select step, detail from order_steps where order_id = $1 order by seq',
      [orderId],
    );
    return rows;
  }

  /**
   * Records what the provider says of a payment, with the step. Records asked for by concurrent
   * checkouts while one is being written go together in the next statement (group commit); each
   * resolves once its own is durable.
   */
  recordPayment(orderId: string, key: string, payment: Payment, step: OrderStep): Promise<void> {
    return this.#paymentRecords.add({ orderId, key, payment, step });
  }

  readonly #paymentRecords = new GroupWriter<PaymentRecord, void>(
    async (records) => {
      await this.db.query(
        `with input as (
           select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],
             $8::text[], $9::text[]) with ordinality
             as i(order_id, key, reference, state, captured_cents, refunded_cents, card_brand, card_last4, step, n)),
         updated as (
           update payments p set reference = i.reference, state = i.state, captured_cents = i.captured_cents,
             refunded_cents = i.refunded_cents, card_brand = i.card_brand, card_last4 = i.card_last4, updated_at = now()
             from input i where p.key = i.key returning p.key)
         insert into order_steps (order_id, step, detail)
         select i.order_id, i.step, i.reference from input i where i.key in (select key from updated) order by i.n`,
        [
          records.map((r) => r.orderId),
          records.map((r) => r.key),
          records.map((r) => r.payment.reference),
          records.map((r) => r.payment.state),
          records.map((r) => r.payment.capturedCents),
          records.map((r) => r.payment.refundedCents),
          records.map((r) => r.payment.card?.brand ?? null),
          records.map((r) => r.payment.card?.last4 ?? null),
          records.map((r) => r.step),
        ],
      );
      return records.map(() => undefined);
    },
    (record) => record.key,
  );

  /** Sets the payment's state when nothing more is known (a decline, a final failure). */
  async setPaymentState(key: string, state: OrderPaymentView['state'], reference?: string): Promise<void> {
    await this.db.query(
      'update payments set state = $2, reference = coalesce($3, reference), updated_at = now() where key = $1',
      [key, state, reference ?? null],
    );
  }

  /**
   * Marks a refund `succeeded` and adds what the provider refunded (when it did) to the payment,
   * in one transaction, only if the refund is still `pending`: a retry racing the first attempt
   * records it once. Resolves false when it was already recorded.
   */
  async recordRefund(
    orderId: string,
    refundId: string,
    amountCents: number,
    provider: { paymentKey?: string; reference?: string },
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `update refunds set state = 'succeeded', reference = $2 where id = $1 and state = 'pending' returning id`,
        [refundId, provider.reference ?? null],
      );
      if (rows.length === 0) return false;
      if (provider.paymentKey) {
        await tx.query(
          `update payments set refunded_cents = refunded_cents + $2,
             state = case when refunded_cents + $2 >= captured_cents then 'refunded' else state end, updated_at = now()
           where key = $1`,
          [provider.paymentKey, amountCents],
        );
        await tx.query(`insert into order_steps (order_id, step, detail) values ($1, 'refunded', $2)`, [
          orderId,
          provider.reference,
        ]);
      }
      return true;
    });
  }

  /** Refunds still `pending` that were recorded at least `olderThanMs` ago, oldest first. */
  async pendingRefunds(
    olderThanMs: number,
    limit = 100,
  ): Promise<
    {
      id: string;
      orderId: string;
      amountCents: number;
      restock: boolean;
      lines: { sku: string; qty: number; draws: LocationDraw[] }[];
    }[]
  > {
    const { rows } = await this.db.query<{
      id: string;
      order_id: string;
      amount_cents: string | number;
      restock: boolean;
      lines: { sku: string; qty: number; draws?: LocationDraw[] }[] | string;
    }>(
      `select id, order_id, amount_cents, restock, lines from refunds
        where state = 'pending' and created_at < now() - make_interval(secs => $1::integer / 1000.0)
        order by created_at limit $2`,
      [olderThanMs, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      amountCents: Number(row.amount_cents),
      restock: row.restock,
      lines: json(row.lines).map(({ sku, qty, draws }) => ({ sku, qty, draws: draws ?? [] })),
    }));
  }

  /**
   * `pending` → `confirmed`, with where each line's units were drawn from and the steps
   * `committed` and `confirmed`, in one statement; confirmations asked for by concurrent checkouts
   * while one is written go together in the next (group commit). Resolves false when the order was
   * not pending.
   */
  confirm(orderId: string, draws: Map<string, LocationDraw[]>): Promise<boolean> {
    const located = [...draws].filter(([, list]) => list.length > 0);
    return this.#confirmations.add({ id: orderId, draws: located.map(([sku, list]) => ({ sku, draws: list })) });
  }

  readonly #confirmations = new GroupWriter<{ id: string; draws: { sku: string; draws: LocationDraw[] }[] }, boolean>(
    async (orders) => {
      const { rows } = await this.db.query<{ id: string }>(
        `with input as (
           select * from jsonb_to_recordset($1::jsonb) as i(id text, draws jsonb, n int)),
         confirmed as (
           update orders o set status = 'confirmed', updated_at = now()
             from input i where o.id = i.id and o.status = 'pending' returning o.id),
         draws as (
           update order_lines l set draws = d.draws
             from confirmed c, input i, jsonb_to_recordset(i.draws) as d(sku text, draws jsonb)
            where i.id = c.id and l.order_id = c.id and l.sku = d.sku),
         steps as (
           insert into order_steps (order_id, step)
           select c.id, s.step from confirmed c join input i on i.id = c.id,
             unnest(array['committed', 'confirmed']) with ordinality as s(step, k)
            order by i.n, s.k)
         select id from confirmed`,
        [JSON.stringify(orders.map((order, n) => ({ ...order, n })))],
      );
      const confirmed = new Set(rows.map((row) => row.id));
      return orders.map((order) => confirmed.has(order.id));
    },
    (order) => order.id,
  );

  /** `pending` → `cancelled` with the reason and the step, in one statement; false when it was not pending. */
  async cancel(orderId: string, reason: string, step: OrderStep = 'cancelled'): Promise<boolean> {
    const { rows } = await this.db.query(
      `with cancelled as (
         update orders set status = 'cancelled', cancel_reason = $2, updated_at = now()
         where id = $1 and status = 'pending' returning id)
       insert into order_steps (order_id, step, detail) select id, $3, $2 from cancelled returning order_id`,
      [orderId, reason, step],
    );
    return rows.length > 0;
  }

  async get(orderId: string, db: SqlExecutor = this.db): Promise<StoredOrder | null> {
    const { rows } = await db.query<OrderRow>(`select ${ORDER_COLUMNS} from orders where id = $1`, [orderId]);
    const [order] = await this.#withDetails(rows, db);
    return order ?? null;
  }

  async byKey(eventId: string, scope: string, key: string): Promise<StoredOrder | null> {
    const { rows } = await this.db.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders where event_id = $1 and idempotency_scope = $2 and idempotency_key = $3`,
      [eventId, scope, key],
    );
    const [order] = await this.#withDetails(rows, this.db);
    return order ?? null;
  }

  /** Orders newest first, optionally of one event and status. */
  async list(filter: { eventId?: string; status?: OrderStatus; limit?: number }): Promise<StoredOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders
        where ($1::text is null or event_id = $1) and ($2::text is null or status = $2)
        order by created_at desc, number desc limit $3`,
      [filter.eventId ?? null, filter.status ?? null, filter.limit ?? 100],
    );
    return this.#withDetails(rows, this.db);
  }

  /**
   * Pending orders whose holds can no longer be committed (their deadline, on the Redis clock, is
   * before `beforeMs`), oldest first, at most `limit`.
   */
  async settleable(beforeMs: number, limit = 200): Promise<StoredOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders
        where status = 'pending' and hold_deadline_ms < $1 order by created_at limit $2`,
      [beforeMs, limit],
    );
    return this.#withDetails(rows, this.db);
  }

  /** Confirmed orders whose payment is authorized but not captured (a capture that failed). */
  async uncaptured(limit = 200): Promise<StoredOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `select ${ORDER_COLUMNS} from orders o
        where status = 'confirmed' and exists (select 1 from payments p where p.order_id = o.id and p.state = 'authorized')
        order by created_at limit $1`,
      [limit],
    );
    return this.#withDetails(rows, this.db);
  }

  /** Units of each SKU of the event sold in durable orders (confirmed, less refunds). */
  async soldUnits(db: SqlExecutor, eventId: string): Promise<Map<string, number>> {
    const { rows } = await db.query<{ sku: string; units: string | number }>(
      `select l.sku, sum(l.qty - l.refunded_qty) as units
         from order_lines l join orders o on o.id = l.order_id
        where o.event_id = $1 and o.status in ('confirmed', 'refunded')
        group by l.sku`,
      [eventId],
    );
    return new Map(rows.map((row) => [row.sku, Number(row.units)]));
  }

  /**
   * Units of each SKU of the event each shopper bought in durable orders, less refunds: what the
   * per-shopper limit counts once their holds are gone. Orders without a shopper are left out.
   */
  async boughtByShopper(db: SqlExecutor, eventId: string): Promise<Map<string, Map<string, number>>> {
    const { rows } = await db.query<{ sku: string; shopper_id: string; units: string | number }>(
      `select l.sku, o.shopper_id, sum(l.qty - l.refunded_qty) as units
         from order_lines l join orders o on o.id = l.order_id
        where o.event_id = $1 and o.status in ('confirmed', 'refunded') and o.shopper_id is not null
        group by l.sku, o.shopper_id`,
      [eventId],
    );
    const bySku = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const units = Number(row.units);
      if (units <= 0) continue;
      const buyers = bySku.get(row.sku) ?? new Map<string, number>();
      buyers.set(row.shopper_id, units);
      bySku.set(row.sku, buyers);
    }
    return bySku;
  }

  /**
   * Units of each SKU of the event sold from each location (not the unlocated pool) in durable
   * orders, less refunds: a refund gives back a line's units from its last draw first, as the
   * restock does.
   */
  async soldByLocation(db: SqlExecutor, eventId: string): Promise<Map<string, Map<string, number>>> {
    const { rows } = await db.query<Pick<LineRow, 'sku' | 'refunded_qty' | 'draws'>>(
      `select l.sku, l.refunded_qty, l.draws from order_lines l join orders o on o.id = l.order_id
        where o.event_id = $1 and o.status in ('confirmed', 'refunded') and l.draws <> '[]'::jsonb`,
      [eventId],
    );
    const bySku = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const places = bySku.get(row.sku) ?? new Map<string, number>();
      let returned = row.refunded_qty;
      for (const draw of [...json(row.draws)].reverse()) {
        const back = Math.min(returned, draw.qty);
        returned -= back;
        if (draw.locationId !== '' && draw.qty > back) {
          places.set(draw.locationId, (places.get(draw.locationId) ?? 0) + draw.qty - back);
        }
      }
      bySku.set(row.sku, places);
    }
    return bySku;
  }

  /** The event's taken orders (confirmed, or refunded since) and their revenue net of refunds. */
  async totals(eventId: string): Promise<{ orders: number; revenueCents: number }> {
    const { rows } = await this.db.query<{ orders: string | number; revenue: string | number | null }>(
      `select count(*) as orders, coalesce(sum(total_cents - refunded_cents), 0) as revenue
         from orders where event_id = $1 and status in ('confirmed', 'refunded')`,
      [eventId],
    );
    return { orders: Number(rows[0]?.orders ?? 0), revenueCents: Number(rows[0]?.revenue ?? 0) };
  }

  /** The refunds of an order, oldest first. */
  async refunds(orderId: string, db: SqlExecutor = this.db): Promise<RefundView[]> {
    const { rows } = await db.query<{
      id: string;
      amount_cents: string | number;
      lines: { sku: string; qty: number }[] | string;
      restock: boolean;
      reference: string | null;
      created_at: Date | string;
    }>(
      'select id, amount_cents, lines, restock, reference, created_at from refunds where order_id = $1 order by created_at',
      [orderId],
    );
    return rows.map((row) => {
      const refund: RefundView = {
        id: row.id,
        amountCents: Number(row.amount_cents),
        lines: json(row.lines).map(({ sku, qty }) => ({ sku, qty })),
        restocked: row.restock,
        createdAt: iso(row.created_at),
      };
      if (row.reference) refund.reference = row.reference;
      return refund;
    });
  }

  /** Runs `work` in a transaction holding the order's row lock. */
  withOrderLocked<T>(orderId: string, work: (tx: SqlExecutor, order: StoredOrder) => Promise<T>): Promise<T | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>('select id from orders where id = $1 for update', [orderId]);
      if (rows.length === 0) return null;
      return work(tx, (await this.get(orderId, tx))!);
    });
  }

  async customerOf(orderId: string): Promise<Customer | undefined> {
    const { rows } = await this.db.query<{
      email: string;
      name: string | null;
      phone: string | null;
      loyalty_id: string | null;
    }>(
      `select coalesce(c.email, (select min(value) from customer_identifiers where customer_id = c.id and kind = 'email'))
         as email, c.name, c.phone, c.loyalty_id from orders o join customers c on c.id = o.customer_id where o.id = $1`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const customer: Customer = { email: row.email };
    if (row.name) customer.name = row.name;
    if (row.phone) customer.phone = row.phone;
    if (row.loyalty_id) customer.loyaltyId = row.loyalty_id;
    return customer;
  }

  async #withDetails(rows: OrderRow[], db: SqlExecutor): Promise<StoredOrder[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [lines, payments] = await Promise.all([
      db.query<LineRow>(
        'select order_id, sku, title, qty, unit_price_cents, refunded_qty, draws from order_lines where order_id = any($1) order by sku',
        [ids],
      ),
      db.query<PaymentRow>(
        `select key, order_id, provider, reference, state, amount_cents, captured_cents, refunded_cents, card_brand, card_last4
           from payments where order_id = any($1) order by created_at`,
        [ids],
      ),
    ]);
    return rows.map((row) => {
      const payment = payments.rows.filter((p) => p.order_id === row.id).at(-1);
      return {
        id: row.id,
        number: Number(row.number),
        eventId: row.event_id,
        source: row.source,
        status: row.status,
        requestHash: row.request_hash,
        shopperId: row.shopper_id,
        orderRef: row.order_ref,
        currency: row.currency,
        totalCents: Number(row.total_cents),
        refundedCents: Number(row.refunded_cents),
        fulfilment: json(row.fulfilment),
        holdIds: row.hold_ids,
        holdDeadlineMs: row.hold_deadline_ms === null ? null : Number(row.hold_deadline_ms),
        cancelReason: row.cancel_reason,
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
        lines: lines.rows
          .filter((line) => line.order_id === row.id)
          .map((line) => ({
            sku: line.sku,
            title: line.title,
            qty: line.qty,
            unitPriceCents: Number(line.unit_price_cents),
            refundedQty: line.refunded_qty,
            draws: json(line.draws),
          })),
        payment: payment ? paymentView(payment) : null,
      };
    });
  }
}

function paymentView(row: PaymentRow): OrderPaymentView {
  const view: OrderPaymentView = {
    provider: row.provider,
    key: row.key,
    state: row.state,
    amountCents: Number(row.amount_cents),
    capturedCents: Number(row.captured_cents),
    refundedCents: Number(row.refunded_cents),
  };
  if (row.reference) view.reference = row.reference;
  if (row.card_brand && row.card_last4) view.card = { brand: row.card_brand, last4: row.card_last4 };
  return view;
}

/** jsonb arrives parsed from `pg` and PGlite; text in case a driver does not parse it. */
function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** An order as its shopper sees it. */
export function orderView(order: StoredOrder): OrderView {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    currency: order.currency,
    totalCents: order.totalCents,
    lines: order.lines.map(({ sku, title, qty, unitPriceCents, refundedQty }) =>
      refundedQty ? { sku, title, qty, unitPriceCents, refundedQty } : { sku, title, qty, unitPriceCents },
    ),
    fulfilment: order.fulfilment,
  };
}

/** An order as the admin API shows it. */
export function adminOrderView(order: StoredOrder, extra: { customer?: Customer; refunds: RefundView[] }): AdminOrder {
  const view: AdminOrder = {
    ...orderView(order),
    eventId: order.eventId,
    source: order.source,
    refunds: extra.refunds,
    refundedCents: order.refundedCents,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
  if (order.orderRef) view.orderRef = order.orderRef;
  if (order.shopperId) view.shopperId = order.shopperId;
  if (extra.customer) view.customer = extra.customer;
  if (order.payment) view.payment = order.payment;
  if (order.cancelReason) view.cancelReason = order.cancelReason;
  return view;
}
