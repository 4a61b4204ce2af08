import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import { parseCardNumber } from '../card-number.js';
import { declineMessages } from '../decline-messages.js';
import {
  failed,
  rejected,
  type AuthorizeOutcome,
  type CaptureOutcome,
  type RefundOutcome,
  type RetrieveOutcome,
  type VoidOutcome,
} from '../outcome.js';
import type {
  AuthorizeRequest,
  CaptureRequest,
  PaymentProvider,
  RefundRequest,
  RetrieveRequest,
  VoidRequest,
} from '../provider.js';
import { checkAmount, checkAuthorization, checkKey, firstProblem, notAnObject } from '../request-input.js';
import { captureAnswerFromState, voidAnswerFromState } from '../settled-answers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { behaviourOfTestCard } from './cards.js';
import { PAYMENT_COLUMNS, paymentOfRow, REFUND_COLUMNS, type PaymentRow, type RefundRow } from './rows.js';

const debug = createDebug('liveshop:payments');

const UNIQUE_VIOLATION = '23505';

export interface TestProviderOptions {
  /** Where the provider keeps its payments (tables from `installTestProviderSchema`). */
  sql: SqlExecutor;
  /** How long the slow test card takes to approve; 3000 by default. */
  slowApprovalMs?: number;
}

/**
 * A payment processor for demos and tests that behaves like a real one: the documented test
 * cards approve, decline, fail or approve slowly; every record is durable in SQL, so a payment
 * authorized by one process can be captured or voided by another after a crash; each operation
 * is a single statement, so concurrent calls with one key make exactly one authorization, capture
 * or refund. Card numbers are checked and dropped: only brand and last four digits are kept.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test' as const;
  private readonly sql: SqlExecutor;
  private readonly slowApprovalMs: number;

  constructor(options: TestProviderOptions) {
    this.sql = options.sql;
    this.slowApprovalMs = options.slowApprovalMs ?? 3_000;
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const problem = checkAuthorization(request);
    if (problem) return problem;
    const method = request.method as Partial<{ card: unknown }> | undefined;
    if (typeof method?.card !== 'string') return rejected('INVALID_INPUT', 'the test provider takes a card number');
    const card = parseCardNumber(method.card);
    if (!card) return rejected('INVALID_INPUT', 'card number is not a valid card number');

    const behaviour = behaviourOfTestCard(card.digits);
    const state =
      behaviour.kind === 'decline' ? 'declined' : behaviour.kind === 'processor-error' ? 'failed' : 'authorized';
    return this.guard(async () => {
      // One statement decides: the first call inserts the processor's answer; any other call with
      // the key (at once or after a crash) finds that row and replays it.
      const inserted = await this.sql.query<PaymentRow>(
        `insert into payment_test_payments
           (key, reference, state, currency, amount_cents, card_brand, card_last4, decline_reason, failure_code, settles_at)
         values ($1::text, $2::text, $3::text, $4::text, $5::integer, $6::text, $7::text, $8::text, $9::text,
                 now() + make_interval(secs => $10::integer / 1000.0))
         on conflict (key) do nothing
         returning ${PAYMENT_COLUMNS}`,
        [
          request.key,
          `tp_${randomBytes(12).toString('hex')}`,
          state,
          request.currency,
          request.amountCents,
          card.brand,
          card.last4,
          behaviour.kind === 'decline' ? behaviour.reason : null,
          behaviour.kind === 'processor-error' ? 'processing_error' : null,
          behaviour.kind === 'slow-approve' ? this.slowApprovalMs : 0,
        ],
      );
      let row = inserted.rows[0] ?? (await this.paymentByKey(request.key));
      if (!row) return failed('unexpected_response', true, 'the payment vanished while it was written');
      const sameRequest =
        row.amount_cents === request.amountCents &&
        row.currency === request.currency &&
        row.card_brand === card.brand &&
        row.card_last4 === card.last4;
      if (!sameRequest) {
        return rejected('IDEMPOTENCY_CONFLICT', 'key was already used to authorize another amount, currency or card');
      }
      row = await this.settled(row);
      debug('authorize %s → %s (%s)', row.key, row.state, inserted.rows[0] ? 'new' : 'replayed');
      if (row.state === 'declined') {
        const reason = row.decline_reason ?? 'card_declined';
        return {
          outcome: 'declined',
          reason,
          message: declineMessages[reason],
          processorCode: reason,
          reference: row.reference,
        };
      }
      if (row.state === 'failed') {
        return failed('processing_error', false, 'the card processor failed; nothing was charged', row.reference);
      }
      return { outcome: 'approved', payment: paymentOfRow(row) };
    });
  }

  async capture(request: CaptureRequest): Promise<CaptureOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkKey('key', request.key),
        checkKey('reference', request.reference),
        request.amountCents === undefined ? undefined : checkAmount('amountCents', request.amountCents),
      );
    if (problem) return problem;
    return this.guard(async () => {
      const captured = await this.settledUpdate(request, async () => {
        const { rows } = await this.sql.query<PaymentRow>(
          `update payment_test_payments
           set state = 'captured', captured_cents = coalesce($3::integer, amount_cents), updated_at = now()
           where key = $1::text and reference = $2::text and state = 'authorized' and settles_at <= now()
             and coalesce($3::integer, amount_cents) <= amount_cents
           returning ${PAYMENT_COLUMNS}`,
          [request.key, request.reference, request.amountCents ?? null],
        );
        return rows[0];
      });
      if (captured === 'not_found') return notFound();
      if (captured) {
        debug('capture %s %d', request.key, captured.captured_cents);
        return { outcome: 'approved', payment: paymentOfRow(captured) };
      }
      const row = await this.paymentByRef(request);
      return row ? captureAnswerFromState(paymentOfRow(row), request.amountCents ?? row.amount_cents) : notFound();
    });
  }

  async void(request: VoidRequest): Promise<VoidOutcome> {
    const problem =
      notAnObject(request) ?? firstProblem(checkKey('key', request.key), checkKey('reference', request.reference));
    if (problem) return problem;
    return this.guard(async () => {
      const voided = await this.settledUpdate(request, async () => {
        const { rows } = await this.sql.query<PaymentRow>(
          `update payment_test_payments set state = 'voided', updated_at = now()
           where key = $1::text and reference = $2::text and state = 'authorized' and settles_at <= now()
           returning ${PAYMENT_COLUMNS}`,
          [request.key, request.reference],
        );
        return rows[0];
      });
      if (voided === 'not_found') return notFound();
      if (voided) {
        debug('void %s', request.key);
        return { outcome: 'approved', payment: paymentOfRow(voided) };
      }
      const row = await this.paymentByRef(request);
      return row ? voidAnswerFromState(paymentOfRow(row)) : notFound();
    });
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkKey('key', request.key),
        checkKey('reference', request.reference),
        checkKey('refundKey', request.refundKey),
        checkAmount('amountCents', request.amountCents),
      );
    if (problem) return problem;
    return this.guard(async () => {
      const earlier = await this.refundByKey(request);
      if (earlier) return this.replayRefund(request, earlier);
      let rows: RefundRow[];
      try {
        // The payment row's update and the refund row's insert are one statement: a second call
        // with the same refund key fails on the primary key and rolls back its update with it.
        ({ rows } = await this.sql.query<RefundRow>(
          `with applied as (
             update payment_test_payments
             set refunded_cents = refunded_cents + $4::integer,
                 state = case when refunded_cents + $4::integer = captured_cents then 'refunded' else state end,
                 updated_at = now()
             where key = $1::text and reference = $2::text and state = 'captured'
               and refunded_cents + $4::integer <= captured_cents
             returning key, currency
           )
           insert into payment_test_refunds (payment_key, refund_key, reference, amount_cents, currency)
           select key, $3::text, $5::text, $4::integer, currency from applied
           returning ${REFUND_COLUMNS}`,
          [
            request.key,
            request.reference,
            request.refundKey,
            request.amountCents,
            `tr_${randomBytes(12).toString('hex')}`,
          ],
        ));
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        const winner = await this.refundByKey(request);
        if (!winner) throw error;
        return this.replayRefund(request, winner);
      }
      if (rows[0]) {
        debug('refund %s %s %d', request.key, request.refundKey, request.amountCents);
        return { outcome: 'approved', refund: this.refundOf(request, rows[0]) };
      }
      const payment = await this.paymentByRef(request);
      if (!payment) return notFound();
      if (payment.state === 'refunded') return rejected('AMOUNT_TOO_LARGE', 'payment is already refunded in full');
      if (payment.state !== 'captured') return rejected('INVALID_STATE', `payment is ${payment.state}, not captured`);
      return rejected(
        'AMOUNT_TOO_LARGE',
        `refund exceeds the ${payment.captured_cents - payment.refunded_cents} left to refund`,
      );
    });
  }

  async retrieve(request: RetrieveRequest): Promise<RetrieveOutcome> {
    const problem =
      notAnObject(request) ??
      firstProblem(
        checkKey('key', request.key),
        request.reference === undefined ? undefined : checkKey('reference', request.reference),
      );
    if (problem) return problem;
    return this.guard(async () => {
      const row = await this.paymentByKey(request.key);
      if (!row || (request.reference !== undefined && row.reference !== request.reference)) {
        return { outcome: 'not_found' };
      }
      return { outcome: 'found', payment: paymentOfRow(row) };
    });
  }

  /**
   * Runs a conditional update of an authorized, settled payment: one statement when it applies
   * (the usual case). When it does not, waits out a slow approval and tries once more if the
   * payment is authorized by then. Resolves to the updated row, undefined when the payment is in
   * another state (the caller answers from it), or `not_found`.
   */
  private async settledUpdate(
    ref: { key: string; reference: string },
    update: () => Promise<PaymentRow | undefined>,
  ): Promise<PaymentRow | undefined | 'not_found'> {
    const updated = await update();
    if (updated) return updated;
    const current = await this.settledPayment(ref);
    if (!current) return 'not_found';
    return current.state === 'authorized' ? update() : undefined;
  }

  /** The payment under this key and reference once the processor's answer is visible, waiting for a slow approval. */
  private async settledPayment(ref: { key: string; reference: string }): Promise<PaymentRow | undefined> {
    const row = await this.paymentByRef(ref);
    return row && this.settled(row);
  }

  /** Waits out a slow approval, then reads the row again. */
  private async settled(row: PaymentRow): Promise<PaymentRow> {
    let current = row;
    while (current.settles_in_ms > 0) {
      await sleep(current.settles_in_ms);
      current = (await this.paymentByKey(current.key)) ?? current;
    }
    return current;
  }

  private replayRefund(request: RefundRequest, earlier: RefundRow): RefundOutcome {
    if (earlier.amount_cents !== request.amountCents) {
      return rejected('IDEMPOTENCY_CONFLICT', `refund key was already used to refund ${earlier.amount_cents}`);
    }
    return { outcome: 'approved', refund: this.refundOf(request, earlier) };
  }

  private refundOf(request: RefundRequest, row: RefundRow) {
    return {
      provider: 'test' as const,
      key: request.key,
      refundKey: row.refund_key,
      reference: row.reference,
      paymentReference: request.reference,
      amountCents: row.amount_cents,
      currency: row.currency,
      state: 'succeeded' as const,
    };
  }

  private async paymentByKey(key: string): Promise<PaymentRow | undefined> {
    const { rows } = await this.sql.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from payment_test_payments where key = $1::text`,
      [key],
    );
    return rows[0];
  }

  private async paymentByRef(ref: { key: string; reference: string }): Promise<PaymentRow | undefined> {
    const row = await this.paymentByKey(ref.key);
    return row?.reference === ref.reference ? row : undefined;
  }

  private async refundByKey(request: RefundRequest): Promise<RefundRow | undefined> {
    const { rows } = await this.sql.query<RefundRow>(
      `select ${REFUND_COLUMNS} from payment_test_refunds
       where payment_key = $1::text and refund_key = $3::text
         and exists (select 1 from payment_test_payments where key = $1::text and reference = $2::text)`,
      [request.key, request.reference, request.refundKey],
    );
    return rows[0];
  }

  /** A store that cannot be reached leaves the outcome unknown: the caller asks again with the same key. */
  private async guard<T>(work: () => Promise<T>): Promise<T | ReturnType<typeof failed>> {
    try {
      return await work();
    } catch (error) {
      debug('store error: %s', (error as Error).message);
      return failed('unavailable', true, `the test provider's store failed: ${(error as Error).message}`);
    }
  }
}

const notFound = () => rejected('NOT_FOUND', 'no payment with this key and reference');
