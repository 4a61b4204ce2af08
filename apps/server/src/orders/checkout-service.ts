import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ErrorCode,
  LiveshopError,
  type AdminCommitBody,
  type AdminOrder,
  type CheckoutPayload,
  type ErrorBody,
  type Hold,
  type LocationDraw,
  type OrderView,
} from '@liveshop/protocol';
import type { InventoryStore } from '@liveshop/inventory';
import type { AuthorizeOutcome, PaymentProvider, PaymentProviders } from '@liveshop/payments';
import createDebug from 'debug';
import type { EventService } from '../catalog/event-service.js';
import type { CustomerResolver } from '../analytics/customer-resolver.js';
import type { LocationRepository } from './location-repository.js';
import { orderView, type NewLine, type OrderRepository, type OrderStep, type StoredOrder } from './order-repository.js';

const debug = createDebug('liveshop:checkout');

/**
 * Called after each step a checkout takes, with the order id once it exists. Tests throw from it
 * to stop the work between two steps, as a crash would; the order is then left for the
 * reconciler.
 */
export type CheckoutFaultHook = (step: OrderStep, orderId: string | undefined) => void | Promise<void>;

export interface CheckoutOptions {
  /** How long a checkout extends the holds for its payment (default 60 s). */
  paymentWindowMs?: number;
  /** Most a hold's expiry may be extended past its expiry before the first checkout (default 120 s). */
  holdCapMs?: number;
  /** How many times an unknown payment answer is asked again with the same key (default 2). */
  unknownRetries?: number;
  /** How long a second request with the same key waits for the first to settle (default 15 s). */
  replayWaitMs?: number;
  /**
   * Most checkouts this process runs at once (default 32); the others wait their turn in order.
   * A burst of hundreds would otherwise queue on the database pool past its timeout (PostgreSQL),
   * or keep the event loop busy past Redis's command timeout (PGlite runs in this process).
   */
  maxConcurrent?: number;
  /** Most checkouts waiting for a turn (default 5,000); more are `UNAVAILABLE`. */
  maxQueued?: number;
  faults?: CheckoutFaultHook;
}

/** Why a cancelled order was cancelled, and the error its key answers with from then on. */
const CANCEL_ERRORS: Record<string, ErrorCode> = {
  payment_declined: ErrorCode.PAYMENT_DECLINED,
  payment_failed: ErrorCode.PAYMENT_FAILED,
  payment_refused: ErrorCode.INVALID_INPUT,
  hold_expired: ErrorCode.HOLD_EXPIRED,
  hold_not_found: ErrorCode.HOLD_NOT_FOUND,
  not_available_at_location: ErrorCode.NOT_AVAILABLE_AT_LOCATION,
  abandoned: ErrorCode.PAYMENT_FAILED,
};

const reasonOfCode = (code: ErrorCode): string =>
  Object.entries(CANCEL_ERRORS).find(([, c]) => c === code)?.[0] ?? code.toLowerCase();

export const newOrderId = (): string => `o_${randomBytes(9).toString('base64url').replaceAll(/[-_]/g, 'x')}`;

/**
 * Turns a shopper's holds into a paid order, in this order, each step recorded on the order:
 * check the holds (this shopper's, this event's, live) → extend them for the payment (Lua, capped)
 * → the buyer's profile (the customer resolver) → order `pending` (with its payment key) → authorize → commit the holds under the order id (Lua,
 * checking the shopper) → order `confirmed` → capture → answer. A decline or a failure changes no
 * stock and keeps the holds; a commit refused after an approval voids the payment. A crash
 * anywhere leaves a `pending` order that {@link OrderReconciler} settles once its holds' deadline
 * has passed.
 */
export class CheckoutService {
  readonly #windowMs: number;
  readonly #capMs: number;
  readonly #unknownRetries: number;
  readonly #replayWaitMs: number;
  readonly #faults: CheckoutFaultHook;
  readonly #turns: Turns;

  constructor(
    private readonly deps: {
      inventory: InventoryStore;
      events: EventService;
      orders: OrderRepository;
      locations: LocationRepository;
      payments: PaymentProviders;
      identity: Pick<CustomerResolver, 'resolve'>;
    },
    options: CheckoutOptions = {},
  ) {
    this.#windowMs = options.paymentWindowMs ?? 60_000;
    this.#capMs = options.holdCapMs ?? 120_000;
    this.#unknownRetries = options.unknownRetries ?? 2;
    this.#replayWaitMs = options.replayWaitMs ?? 15_000;
    this.#faults = options.faults ?? (() => undefined);
    this.#turns = new Turns(options.maxConcurrent ?? 32, options.maxQueued ?? 5_000);
  }

  /** The `/shop` `checkout` request of `shopperId`. */
  checkout(shopperId: string, payload: CheckoutPayload): Promise<OrderView> {
    return this.#turns.run(() => this.#checkout(shopperId, payload));
  }

  /**
   * `POST /api/admin/events/:id/commit`: holds sold through the merchant's own checkout, recorded
   * as an order with `source: 'external'` (no payment). The same key answers the same order.
   */
  commitExternal(eventId: string, body: AdminCommitBody): Promise<OrderView> {
    return this.#turns.run(() => this.#commitExternal(eventId, body));
  }

  async #checkout(shopperId: string, payload: CheckoutPayload): Promise<OrderView> {
    const { inventory, orders } = this.deps;
    const { eventId, holdIds, idempotencyKey, fulfilment } = payload;
    const scope = `shop:${shopperId}`;
    const requestHash = hashOf({
      holdIds: [...holdIds].sort(),
      customer: payload.customer,
      fulfilment,
      // The card's number is never kept, not even hashed: its last four digits tell two apart.
      payment:
        payload.payment.provider === 'test'
          ? { provider: 'test', last4: payload.payment.card.replaceAll(' ', '').slice(-4) }
          : payload.payment,
    });
    // The key's order is not looked up first: a new checkout (the usual case) finds out by
    // writing its order, and a repeated one fails a check below (its holds are sold, expired or
    // extended past their cap) or meets the key on insert. Either way the earlier order answers.
    let prepared: Awaited<ReturnType<CheckoutService['prepare']>>;
    try {
      prepared = await this.prepare(shopperId, payload);
    } catch (error) {
      const earlier = await orders.byKey(eventId, scope, idempotencyKey);
      if (earlier) return this.#replay(earlier, requestHash);
      throw error;
    }
    const { event, provider, holds, extended } = prepared;

    // 3. The order, pending, with its lines at today's prices and its payment's key.
    const { lines, currency, totalCents } = linesOf(event.products, holds);
    const orderId = newOrderId();
    const paymentKey = `${orderId}-1`;
    // The buyer's profile and the shopper's link to it first (their own transaction): a crash
    // after it leaves a profile, no order.
    const resolved = await this.deps.identity.resolve(payload.customer, { shopperId });
    const number = await orders.insertPending({
      id: orderId,
      eventId,
      source: 'shop',
      scope,
      idempotencyKey,
      requestHash,
      shopperId,
      ...(resolved ? { customerId: resolved.customerId } : {}),
      currency,
      totalCents,
      fulfilment,
      holdIds,
      holdDeadlineMs: extended.deadline,
      lines,
      payment: totalCents > 0 ? { key: paymentKey, provider: provider.name } : undefined,
      steps: ['checked', 'extended'],
    });
    if (number === null) {
      // The same key raced this request: the first one's order is the answer.
      const winner = await orders.byKey(eventId, scope, idempotencyKey);
      if (!winner) throw new LiveshopError(ErrorCode.CONFLICT, 'the checkout was taken meanwhile; try again');
      return this.#replay(winner, requestHash);
    }
    await this.#faults('pending', orderId);

    // 4. Authorize.
    let reference: string | undefined;
    if (totalCents > 0) {
      const method =
        payload.payment.provider === 'test'
          ? { card: payload.payment.card }
          : { paymentMethod: payload.payment.paymentMethod };
      const outcome = await this.#authorize(provider, {
        key: paymentKey,
        amountCents: totalCents,
        currency,
        method,
        description: `Liveshop order ${orderId}`,
      });
      reference = await this.#afterAuthorize(orderId, paymentKey, outcome);
      await this.#faults('authorized', orderId);
    }

    // 5. Commit the holds under the order id.
    const committed = await inventory.commit({
      eventId,
      holdIds,
      orderId,
      idempotencyKey: orderId,
      shopperId,
      ...(fulfilment.type === 'pickup'
        ? { pickupLocationId: fulfilment.locationId }
        : { shipFrom: await this.deps.locations.shippingOrder() }),
    });
    if (!committed.ok) {
      if (reference) await this.#void(provider, orderId, paymentKey, reference);
      await orders.cancel(orderId, reasonOfCode(committed.error.code));
      // An expired hold's units go back to stock now rather than at the sweeper's next pass.
      if (committed.error.code === ErrorCode.HOLD_EXPIRED) await inventory.expireDue(eventId);
      throw new LiveshopError(committed.error.code, committed.error.message);
    }
    await this.#faults('committed', orderId);

    // 6. Confirmed.
    await orders.confirm(orderId, drawsBySku(committed.items));
    await this.#faults('confirmed', orderId);

    // 7. Capture; a failure leaves the payment authorized for the reconciler's capture sweep.
    if (reference) {
      await this.capture(provider, orderId, paymentKey, reference);
      await this.#faults('captured', orderId);
    }
    // The answer is what was written; no need to read it back.
    return {
      id: orderId,
      number,
      status: 'confirmed',
      currency,
      totalCents,
      lines: [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)),
      fulfilment,
    };
  }

  /** Steps 1 and 2: the event, the provider, the holds checked (and the pickup location), then extended. */
  private async prepare(shopperId: string, payload: CheckoutPayload) {
    const { eventId, holdIds, fulfilment } = payload;
    const [event, holds] = await Promise.all([
      this.deps.events.require(eventId),
      // 1. The holds: this shopper's, of this event, not expired (the extend script checks again, atomically).
      this.#ownHolds(eventId, shopperId, holdIds),
    ]);
    const provider = this.deps.payments.get(payload.payment.provider);
    if (!provider && this.deps.payments.names.length === 0) {
      throw new LiveshopError(
        ErrorCode.PAYMENT_UNAVAILABLE,
        'this shop has no payment provider configured; nothing was charged',
      );
    }
    if (!provider) {
      throw new LiveshopError(
        ErrorCode.INVALID_INPUT,
        `payment.provider: ${payload.payment.provider} is not offered by this shop`,
      );
    }
    if (fulfilment.type === 'pickup') await this.#checkPickup(eventId, fulfilment.locationId, holds);
    await this.#faults('checked', undefined);

    // 2. Long enough for the payment, never for ever.
    const extended = await this.deps.inventory.extendHolds({
      eventId,
      shopperId,
      holdIds,
      windowMs: this.#windowMs,
      capMs: this.#capMs,
    });
    if (!extended.ok) throw new LiveshopError(extended.error.code, extended.error.message);
    await this.#faults('extended', undefined);
    return { event, provider, holds, extended };
  }

  async #commitExternal(eventId: string, body: AdminCommitBody): Promise<OrderView> {
    const { inventory, orders } = this.deps;
    const requestHash = hashOf({ holdIds: [...body.holdIds].sort(), orderRef: body.orderRef });
    const earlier = await orders.byKey(eventId, 'external', body.idempotencyKey);
    if (earlier) return this.#replay(earlier, requestHash);
    const event = await this.deps.events.require(eventId);
    const holds = await this.#ownHolds(eventId, undefined, body.holdIds);
    const { lines, currency, totalCents } = linesOf(event.products, holds);
    const orderId = newOrderId();
    const number = await orders.insertPending({
      id: orderId,
      eventId,
      source: 'external',
      scope: 'external',
      idempotencyKey: body.idempotencyKey,
      requestHash,
      orderRef: body.orderRef,
      currency,
      totalCents,
      fulfilment: { type: 'external' },
      holdIds: body.holdIds,
      holdDeadlineMs: Math.min(...holds.map((hold) => hold.expiresAt)),
      lines,
      steps: ['checked'],
    });
    if (number === null) {
      const winner = await orders.byKey(eventId, 'external', body.idempotencyKey);
      if (!winner) throw new LiveshopError(ErrorCode.CONFLICT, 'the commit was taken meanwhile; try again');
      return this.#replay(winner, requestHash);
    }
    await this.#faults('pending', orderId);
    const committed = await inventory.commit({
      eventId,
      holdIds: body.holdIds,
      orderId,
      idempotencyKey: orderId,
      source: 'external',
      shipFrom: await this.deps.locations.shippingOrder(),
    });
    if (!committed.ok) {
      await orders.cancel(orderId, reasonOfCode(committed.error.code));
      throw new LiveshopError(committed.error.code, committed.error.message);
    }
    await this.#faults('committed', orderId);
    await orders.confirm(orderId, drawsBySku(committed.items));
    return orderView((await orders.get(orderId))!);
  }

  /** Captures an authorized payment and records the answer; false when it did not go through. */
  async capture(provider: PaymentProvider, orderId: string, key: string, reference: string): Promise<boolean> {
    const captured = await provider.capture({ key, reference });
    if (captured.outcome === 'approved') {
      await this.deps.orders.recordPayment(orderId, key, captured.payment, 'captured');
      return true;
    }
    debug('capture of %s: %s %s', orderId, captured.outcome, captured.message);
    await this.deps.orders.step(orderId, 'capture_failed', captured.message.slice(0, 200));
    return false;
  }

  /** Answers a request whose key already names an order: the same order, or its refusal. */
  async #replay(order: StoredOrder, requestHash: string): Promise<OrderView> {
    if (order.requestHash !== requestHash) {
      throw new LiveshopError(ErrorCode.IDEMPOTENCY_CONFLICT, 'idempotencyKey was already used for another checkout');
    }
    let current = order;
    const until = Date.now() + this.#replayWaitMs;
    while (current.status === 'pending' && Date.now() < until) {
      await sleep(100);
      current = (await this.deps.orders.get(order.id)) ?? current;
    }
    if (current.status === 'pending') {
      throw new LiveshopError(
        ErrorCode.PAYMENT_FAILED,
        'the payment of this checkout is still being settled; ask again shortly',
      );
    }
    if (current.status === 'cancelled') throw cancelError(current.cancelReason);
    return orderView(current);
  }

  /** The holds as stored, refused unless every one is live and (with `shopperId`) the shopper's. */
  async #ownHolds(eventId: string, shopperId: string | undefined, holdIds: string[]): Promise<Hold[]> {
    const { inventory } = this.deps;
    const [now, holds] = await Promise.all([
      inventory.now(),
      Promise.all(holdIds.map((holdId) => inventory.getHold(eventId, holdId))),
    ]);
    return holds.map((hold, i) => {
      // Another shopper's hold is answered as missing: its existence is not this shopper's business.
      if (!hold || (shopperId !== undefined && hold.shopperId !== shopperId)) {
        throw new LiveshopError(ErrorCode.HOLD_NOT_FOUND, `hold ${holdIds[i]} not found`);
      }
      if (hold.expiresAt <= now) throw new LiveshopError(ErrorCode.HOLD_EXPIRED, `hold ${hold.id} has expired`);
      return hold;
    });
  }

  /** Refuses, before any charge, a pickup at a location that is not one or cannot supply the holds now. */
  async #checkPickup(eventId: string, locationId: string, holds: Hold[]): Promise<void> {
    const location = await this.deps.locations.get(locationId);
    if (!location?.pickup) {
      throw new LiveshopError(ErrorCode.NOT_AVAILABLE_AT_LOCATION, `location ${locationId} does not offer pickup`);
    }
    const wanted = new Map<string, number>();
    for (const hold of holds) wanted.set(hold.sku, (wanted.get(hold.sku) ?? 0) + hold.qty);
    for (const [sku, qty] of wanted) {
      const here = (await this.deps.inventory.locationStock(eventId, sku)).get(locationId);
      if (!here || here.allocated - here.sold < qty) {
        throw new LiveshopError(
          ErrorCode.NOT_AVAILABLE_AT_LOCATION,
          `location ${locationId} cannot supply ${qty} of ${sku}`,
        );
      }
    }
  }

  /** Authorizes, asking again with the same key while the answer is unknown. */
  async #authorize(
    provider: PaymentProvider,
    request: Parameters<PaymentProvider['authorize']>[0],
  ): Promise<AuthorizeOutcome> {
    let outcome = await provider.authorize(request);
    for (let attempt = 0; attempt < this.#unknownRetries; attempt++) {
      if (outcome.outcome !== 'failed' || !outcome.retryable) break;
      await sleep(200 * (attempt + 1));
      outcome = await provider.authorize(request);
    }
    return outcome;
  }

  /** Records the authorization's outcome; resolves to the payment's reference when approved, else throws the refusal. */
  async #afterAuthorize(orderId: string, key: string, outcome: AuthorizeOutcome): Promise<string> {
    const { orders } = this.deps;
    switch (outcome.outcome) {
      case 'approved':
        await orders.recordPayment(orderId, key, outcome.payment, 'authorized');
        return outcome.payment.reference;
      case 'declined':
        await orders.setPaymentState(key, 'declined', outcome.reference);
        await orders.cancel(orderId, `payment_declined:${outcome.reason}`, 'declined');
        throw new LiveshopError(ErrorCode.PAYMENT_DECLINED, outcome.message, undefined, outcome.reason);
      case 'failed':
        if (outcome.retryable) {
          // Unknown: the order stays pending; the reconciler asks the provider once the holds' deadline passed.
          await orders.step(orderId, 'failed', `unknown: ${outcome.code}`);
          throw new LiveshopError(ErrorCode.PAYMENT_FAILED, 'the payment could not be completed; nothing was charged');
        }
        await orders.setPaymentState(key, 'failed', outcome.reference);
        await orders.cancel(orderId, 'payment_failed', 'failed');
        throw new LiveshopError(ErrorCode.PAYMENT_FAILED, outcome.message || 'the payment did not go through');
      case 'rejected':
        await orders.setPaymentState(key, 'failed');
        await orders.cancel(orderId, 'payment_refused', 'failed');
        throw new LiveshopError(
          outcome.code === 'IDEMPOTENCY_CONFLICT' ? ErrorCode.IDEMPOTENCY_CONFLICT : ErrorCode.INVALID_INPUT,
          `payment: ${outcome.message}`,
        );
    }
  }

  async #void(provider: PaymentProvider, orderId: string, key: string, reference: string): Promise<void> {
    const voided = await provider.void({ key, reference });
    if (voided.outcome === 'approved') await this.deps.orders.recordPayment(orderId, key, voided.payment, 'voided');
    else debug('void of %s: %s', orderId, voided.message);
  }
}

/** The error a cancelled order's key answers with. */
export function cancelError(reason: string | null): LiveshopError {
  const [kind = '', detail] = (reason ?? '').split(':');
  const code = CANCEL_ERRORS[kind] ?? ErrorCode.PAYMENT_FAILED;
  const messages: Partial<Record<ErrorCode, string>> = {
    PAYMENT_DECLINED: 'the card was declined; nothing was charged',
    PAYMENT_FAILED: 'the payment did not go through; nothing was charged',
    HOLD_EXPIRED: 'a hold expired before the payment finished; nothing was charged',
    HOLD_NOT_FOUND: 'a hold was no longer there; nothing was charged',
    NOT_AVAILABLE_AT_LOCATION: 'the pickup location cannot supply the items; nothing was charged',
    INVALID_INPUT: 'the payment details were refused',
  };
  return new LiveshopError(code, messages[code] ?? 'the checkout did not complete', undefined, detail);
}

/** The body a refusal is reported with (for tests and logs). */
export type CheckoutRefusal = ErrorBody;

/** Lines by SKU at the catalog's prices now, in one currency. */
function linesOf(
  products: { sku: string; title: string; priceCents: number; currency: string }[],
  holds: Hold[],
): { lines: NewLine[]; currency: string; totalCents: number } {
  const bySku = new Map(products.map((product) => [product.sku, product]));
  const lines = new Map<string, NewLine>();
  let currency: string | undefined;
  for (const hold of holds) {
    const product = bySku.get(hold.sku);
    if (!product) throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${hold.sku} is no longer sold in this event`);
    if (currency && product.currency !== currency) {
      throw new LiveshopError(ErrorCode.INVALID_INPUT, 'holdIds: the items are priced in different currencies');
    }
    currency = product.currency;
    const line = lines.get(hold.sku);
    if (line) line.qty += hold.qty;
    else
      lines.set(hold.sku, { sku: hold.sku, title: product.title, qty: hold.qty, unitPriceCents: product.priceCents });
  }
  const list = [...lines.values()];
  const totalCents = list.reduce((sum, line) => sum + line.qty * line.unitPriceCents, 0);
  if (totalCents > 99_999_999) throw new LiveshopError(ErrorCode.INVALID_INPUT, 'the order total is too large');
  return { lines: list, currency: currency!, totalCents };
}

/** A commit's draws, summed per SKU and location. */
export function drawsBySku(items: { sku: string; draws: LocationDraw[] }[]): Map<string, LocationDraw[]> {
  const bySku = new Map<string, Map<string, number>>();
  for (const item of items) {
    const places = bySku.get(item.sku) ?? new Map<string, number>();
    for (const draw of item.draws) places.set(draw.locationId, (places.get(draw.locationId) ?? 0) + draw.qty);
    bySku.set(item.sku, places);
  }
  return new Map(
    [...bySku].map(([sku, places]) => [sku, [...places].map(([locationId, qty]) => ({ locationId, qty }))]),
  );
}

/** At most `limit` tasks at once; the others wait in order, at most `maxQueued` of them. */
class Turns {
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) {
      if (this.#queue.length >= this.maxQueued) {
        throw new LiveshopError(ErrorCode.UNAVAILABLE, 'too many checkouts at once; try again shortly');
      }
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

export type { AdminOrder };
