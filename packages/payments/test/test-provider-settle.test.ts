import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS, TestPaymentProvider, type Payment, type PaymentRef } from '@liveshop/payments';
import { randomKey } from './keys.js';
import { sqlTargets, type SqlTarget } from './sql-targets.js';

describe.each(sqlTargets)('test provider capture, void and refund on $name', ({ open, skip }) => {
  let target: SqlTarget;
  let provider: TestPaymentProvider;
  beforeAll(async () => {
    if (skip) return;
    target = await open();
    provider = new TestPaymentProvider({ sql: target.sql, slowApprovalMs: 1_000 });
  });
  afterAll(() => target?.close());

  async function authorized(amountCents = 5000, card: string = TEST_CARDS.approve): Promise<PaymentRef> {
    const key = randomKey();
    const outcome = await provider.authorize({ key, amountCents, currency: 'EUR', method: { card } });
    if (outcome.outcome !== 'approved') throw new Error(`authorize: ${JSON.stringify(outcome)}`);
    return { key, reference: outcome.payment.reference };
  }

  async function captured(amountCents = 5000): Promise<PaymentRef> {
    const ref = await authorized(amountCents);
    expect(await provider.capture(ref)).toMatchObject({ outcome: 'approved' });
    return ref;
  }

  const paymentOf = async (ref: PaymentRef): Promise<Payment> => {
    const found = await provider.retrieve(ref);
    if (found.outcome !== 'found') throw new Error(`retrieve: ${JSON.stringify(found)}`);
    return found.payment;
  };

  it.skipIf(skip)(
    'captures the whole authorization once; a replay answers the same, another amount conflicts',
    async () => {
      const ref = await authorized();
      const first = await provider.capture(ref);
      expect(first).toMatchObject({ outcome: 'approved', payment: { state: 'captured', capturedCents: 5000 } });
      expect(await provider.capture(ref)).toEqual(first);
      expect(await provider.capture({ ...ref, amountCents: 5000 })).toEqual(first);
      expect(await provider.capture({ ...ref, amountCents: 4000 })).toMatchObject({
        outcome: 'rejected',
        code: 'IDEMPOTENCY_CONFLICT',
      });
    },
  );

  it.skipIf(skip)('captures part of an authorization, never more than it', async () => {
    const ref = await authorized();
    expect(await provider.capture({ ...ref, amountCents: 5001 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
    expect(await provider.capture({ ...ref, amountCents: 3000 })).toMatchObject({
      outcome: 'approved',
      payment: { state: 'captured', amountCents: 5000, capturedCents: 3000 },
    });
  });

  it.skipIf(skip)('lets one of many concurrent captures with different amounts win', async () => {
    const ref = await authorized();
    const amounts = [1000, 2000, 3000, 4000, 5000, 1000, 2000, 3000];
    const outcomes = await Promise.all(amounts.map((amountCents) => provider.capture({ ...ref, amountCents })));
    const { capturedCents } = await paymentOf(ref);
    outcomes.forEach((outcome, i) => {
      if (amounts[i] === capturedCents) expect(outcome).toMatchObject({ outcome: 'approved' });
      else expect(outcome).toMatchObject({ outcome: 'rejected', code: 'IDEMPOTENCY_CONFLICT' });
    });
  });

  it.skipIf(skip)('voids an authorization once; capture after void and void after capture are refused', async () => {
    const ref = await authorized();
    const voided = await provider.void(ref);
    expect(voided).toMatchObject({ outcome: 'approved', payment: { state: 'voided' } });
    expect(await provider.void(ref)).toEqual(voided);
    expect(await provider.capture(ref)).toMatchObject({ outcome: 'rejected', code: 'INVALID_STATE' });

    const taken = await captured();
    expect(await provider.void(taken)).toMatchObject({ outcome: 'rejected', code: 'INVALID_STATE' });
  });

  it.skipIf(skip)('voids what holds nothing (a declined payment) without changing it', async () => {
    const key = randomKey();
    const declined = await provider.authorize({
      key,
      amountCents: 900,
      currency: 'EUR',
      method: { card: TEST_CARDS.decline },
    });
    if (declined.outcome !== 'declined') throw new Error('expected a decline');
    expect(await provider.void({ key, reference: declined.reference! })).toMatchObject({
      outcome: 'approved',
      payment: { state: 'declined' },
    });
  });

  it.skipIf(skip)('waits out a slow approval before a capture or void from another caller', async () => {
    const key = randomKey();
    const approving = provider.authorize({
      key,
      amountCents: 700,
      currency: 'EUR',
      method: { card: TEST_CARDS.slowApprove },
    });
    let seen = await provider.retrieve({ key });
    while (seen.outcome !== 'found') seen = await provider.retrieve({ key });
    expect(seen.payment.state).toBe('pending');
    expect(await provider.void({ key, reference: seen.payment.reference })).toMatchObject({
      outcome: 'approved',
      payment: { state: 'voided' },
    });
    // The authorization itself answers approved, as it stood when it read it back.
    expect(await approving).toMatchObject({ outcome: 'approved', payment: { reference: seen.payment.reference } });
    expect(await provider.retrieve({ key })).toMatchObject({ outcome: 'found', payment: { state: 'voided' } });
  });

  it.skipIf(skip)('refuses a key with another payment reference as not found', async () => {
    const ref = await authorized();
    const other = await authorized();
    const mixed = { key: ref.key, reference: other.reference };
    expect(await provider.capture(mixed)).toMatchObject({ outcome: 'rejected', code: 'NOT_FOUND' });
    expect(await provider.void(mixed)).toMatchObject({ outcome: 'rejected', code: 'NOT_FOUND' });
    expect(await provider.refund({ ...mixed, refundKey: 'r1', amountCents: 1 })).toMatchObject({
      outcome: 'rejected',
      code: 'NOT_FOUND',
    });
    expect(await provider.retrieve(mixed)).toEqual({ outcome: 'not_found' });
    expect(await provider.retrieve({ key: randomKey() })).toEqual({ outcome: 'not_found' });
  });

  it.skipIf(skip)('refunds in parts, each refund key once, up to what was captured', async () => {
    const ref = await captured(5000);
    const first = await provider.refund({ ...ref, refundKey: 'r1', amountCents: 1500 });
    expect(first).toMatchObject({
      outcome: 'approved',
      refund: {
        provider: 'test',
        key: ref.key,
        refundKey: 'r1',
        paymentReference: ref.reference,
        amountCents: 1500,
        currency: 'EUR',
        state: 'succeeded',
      },
    });
    expect(await provider.refund({ ...ref, refundKey: 'r1', amountCents: 1500 })).toEqual(first);
    expect(await provider.refund({ ...ref, refundKey: 'r1', amountCents: 1000 })).toMatchObject({
      outcome: 'rejected',
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await provider.refund({ ...ref, refundKey: 'r2', amountCents: 3501 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
    expect(await paymentOf(ref)).toMatchObject({ state: 'captured', refundedCents: 1500 });
    expect(await provider.refund({ ...ref, refundKey: 'r2', amountCents: 3500 })).toMatchObject({
      outcome: 'approved',
    });
    expect(await paymentOf(ref)).toMatchObject({ state: 'refunded', capturedCents: 5000, refundedCents: 5000 });
    expect(await provider.refund({ ...ref, refundKey: 'r3', amountCents: 1 })).toMatchObject({
      outcome: 'rejected',
      code: 'AMOUNT_TOO_LARGE',
    });
    // A capture replayed after the refunds still answers as the capture did.
    expect(await provider.capture(ref)).toMatchObject({ outcome: 'approved', payment: { capturedCents: 5000 } });
  });

  it.skipIf(skip)('refuses to refund what was not captured', async () => {
    const ref = await authorized();
    expect(await provider.refund({ ...ref, refundKey: 'r1', amountCents: 100 })).toMatchObject({
      outcome: 'rejected',
      code: 'INVALID_STATE',
    });
  });

  it.skipIf(skip)('makes one refund from concurrent calls with one refund key', async () => {
    const ref = await captured(5000);
    const others = await Promise.all([target.openAnother(), target.openAnother()]);
    const providers = [provider, ...others.map((other) => new TestPaymentProvider({ sql: other.sql }))];
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 18 }, (_, i) =>
          providers[i % 3]!.refund({ ...ref, refundKey: 'once', amountCents: 2000 }),
        ),
      );
      const references = new Set(
        outcomes.map((outcome) => (outcome.outcome === 'approved' ? outcome.refund.reference : outcome.outcome)),
      );
      expect([...references]).toEqual([expect.stringMatching(/^tr_/)]);
      expect(await paymentOf(ref)).toMatchObject({ refundedCents: 2000 });
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });

  it.skipIf(skip)('never refunds more than was captured under concurrent refunds with distinct keys', async () => {
    const ref = await captured(5000);
    const others = await Promise.all([target.openAnother(), target.openAnother()]);
    const providers = [provider, ...others.map((other) => new TestPaymentProvider({ sql: other.sql }))];
    try {
      const amounts = Array.from({ length: 30 }, (_, i) => 100 + ((i * 137) % 700));
      const outcomes = await Promise.all(
        amounts.map((amountCents, i) => providers[i % 3]!.refund({ ...ref, refundKey: `r${i}`, amountCents })),
      );
      const approved = outcomes.flatMap((outcome) =>
        outcome.outcome === 'approved' ? [outcome.refund.amountCents] : [],
      );
      const refused = outcomes.filter((outcome) => outcome.outcome !== 'approved');
      const total = approved.reduce((sum, amount) => sum + amount, 0);
      expect(total).toBeLessThanOrEqual(5000);
      expect(refused.every((outcome) => outcome.outcome === 'rejected' && outcome.code === 'AMOUNT_TOO_LARGE')).toBe(
        true,
      );
      expect(refused.length).toBeGreaterThan(0);
      expect(await paymentOf(ref)).toMatchObject({ refundedCents: total });
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });
});
