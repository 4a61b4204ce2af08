import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS, TestPaymentProvider, type SqlExecutor } from '@liveshop/payments';
import { randomKey, storedText } from './keys.js';
import { sqlTargets, type SqlTarget } from './sql-targets.js';

describe.each(sqlTargets)('test provider authorize on $name', ({ open, skip }) => {
  let target: SqlTarget;
  let provider: TestPaymentProvider;
  beforeAll(async () => {
    if (skip) return;
    target = await open();
    provider = new TestPaymentProvider({ sql: target.sql, slowApprovalMs: 1_500 });
  });
  afterAll(() => target?.close());

  const authorize = (key: string, card: string, amountCents = 2500, currency = 'USD') =>
    provider.authorize({ key, amountCents, currency, method: { card } });

  it.skipIf(skip)('approves 4242 with brand and last four, keeping nothing else of the number', async () => {
    const key = randomKey();
    const outcome = await authorize(key, TEST_CARDS.approve);
    expect(outcome).toEqual({
      outcome: 'approved',
      payment: {
        provider: 'test',
        key,
        reference: expect.stringMatching(/^tp_[0-9a-f]{24}$/),
        state: 'authorized',
        currency: 'USD',
        amountCents: 2500,
        capturedCents: 0,
        refundedCents: 0,
        card: { brand: 'visa', last4: '4242' },
      },
    });
    const stored = await storedText(target.sql, key);
    expect(stored).toContain('4242');
    expect(stored).not.toContain('42424242');
  });

  it.skipIf(skip)('declines 0002, and the same key declines again without a second attempt', async () => {
    const key = randomKey();
    const first = await authorize(key, TEST_CARDS.decline);
    expect(first).toMatchObject({
      outcome: 'declined',
      reason: 'card_declined',
      message: 'Your card was declined.',
      reference: expect.stringMatching(/^tp_/),
    });
    expect(await authorize(key, TEST_CARDS.decline)).toEqual(first);
    expect(await provider.retrieve({ key })).toMatchObject({ outcome: 'found', payment: { state: 'declined' } });
    expect(await countPayments(target.sql, key)).toBe(1);
  });

  it.skipIf(skip)('names the decline reasons a shopper can act on', async () => {
    expect(await authorize(randomKey(), TEST_CARDS.insufficientFunds)).toMatchObject({
      outcome: 'declined',
      reason: 'insufficient_funds',
    });
    expect(await authorize(randomKey(), TEST_CARDS.expired)).toMatchObject({
      outcome: 'declined',
      reason: 'expired_card',
    });
  });

  it.skipIf(skip)('fails 0119 with a processor error that is final for the key', async () => {
    const key = randomKey();
    const outcome = await authorize(key, TEST_CARDS.processorError);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'processing_error', retryable: false });
    expect(await provider.retrieve({ key })).toMatchObject({ outcome: 'found', payment: { state: 'failed' } });
  });

  it.skipIf(skip)('approves 0077 only after the slow approval, pending meanwhile for every reader', async () => {
    const key = randomKey();
    const other = await target.openAnother();
    const reader = new TestPaymentProvider({ sql: other.sql });
    try {
      // The documented delay (3 s) of a provider with default options.
      const approving = new TestPaymentProvider({ sql: target.sql }).authorize({
        key,
        amountCents: 2500,
        currency: 'USD',
        method: { card: TEST_CARDS.slowApprove },
      });
      let seen = await reader.retrieve({ key });
      while (seen.outcome === 'not_found') seen = await reader.retrieve({ key });
      expect(seen).toMatchObject({ outcome: 'found', payment: { state: 'pending' } });
      expect(await approving).toMatchObject({ outcome: 'approved', payment: { state: 'authorized' } });
      expect(await reader.retrieve({ key })).toMatchObject({ outcome: 'found', payment: { state: 'authorized' } });
    } finally {
      await other.close();
    }
  });

  it.skipIf(skip)('replays the same key and refuses it with another amount, currency or card', async () => {
    const key = randomKey();
    const first = await authorize(key, TEST_CARDS.approve);
    expect(await authorize(key, TEST_CARDS.approve.replaceAll(' ', ''))).toEqual(first);
    for (const conflicting of [
      authorize(key, TEST_CARDS.approve, 2600),
      authorize(key, TEST_CARDS.approve, 2500, 'EUR'),
      authorize(key, '5555 5555 5555 4444'),
    ]) {
      expect(await conflicting).toMatchObject({ outcome: 'rejected', code: 'IDEMPOTENCY_CONFLICT' });
    }
    expect(await countPayments(target.sql, key)).toBe(1);
  });

  it.skipIf(skip)('makes exactly one authorization from concurrent calls with one key', async () => {
    for (const card of [TEST_CARDS.approve, TEST_CARDS.slowApprove]) {
      const key = randomKey();
      const others = await Promise.all([target.openAnother(), target.openAnother()]);
      const providers = [
        provider,
        ...others.map((other) => new TestPaymentProvider({ sql: other.sql, slowApprovalMs: 1_500 })),
      ];
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            providers[i % providers.length]!.authorize({ key, amountCents: 2500, currency: 'USD', method: { card } }),
          ),
        );
        const references = new Set(
          outcomes.map((outcome) => (outcome.outcome === 'approved' ? outcome.payment.reference : outcome.outcome)),
        );
        expect([...references]).toHaveLength(1);
        expect(
          outcomes.every((outcome) => outcome.outcome === 'approved' && outcome.payment.state === 'authorized'),
        ).toBe(true);
        expect(await countPayments(target.sql, key)).toBe(1);
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
    }
  });

  it.skipIf(skip)(
    'refuses malformed cards and requests as invalid input, storing nothing and echoing no number',
    async () => {
      const key = randomKey();
      const refusals = [
        authorize(key, '4242 4242 4242 4241'),
        authorize(key, 'not a card'),
        provider.authorize({ key, amountCents: 2500, currency: 'USD', method: { paymentMethod: 'pm_card_visa' } }),
        authorize(key, TEST_CARDS.approve, 0),
        authorize(key, TEST_CARDS.approve, 12.5),
        authorize(key, TEST_CARDS.approve, 100_000_000),
        authorize(key, TEST_CARDS.approve, 2500, 'usd'),
        authorize('', TEST_CARDS.approve),
        authorize("k'; drop table payment_test_payments; --", TEST_CARDS.approve),
        authorize('k'.repeat(101), TEST_CARDS.approve),
        provider.authorize(null as never),
      ];
      for (const refusal of await Promise.all(refusals)) {
        expect(refusal).toMatchObject({ outcome: 'rejected', code: 'INVALID_INPUT' });
        expect(JSON.stringify(refusal)).not.toContain('42424');
      }
      expect(await countPayments(target.sql, key)).toBe(0);
    },
  );

  it.skipIf(skip)('reports a store that fails as a retryable failure, not a throw', async () => {
    const broken: SqlExecutor = {
      query: () => Promise.reject(new Error('connection terminated unexpectedly')),
    };
    const outcome = await new TestPaymentProvider({ sql: broken }).authorize({
      key: randomKey(),
      amountCents: 2500,
      currency: 'USD',
      method: { card: TEST_CARDS.approve },
    });
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'unavailable', retryable: true });
    expect(JSON.stringify(outcome)).not.toContain('4242');
  });
});

async function countPayments(sql: SqlExecutor, key: string): Promise<number> {
  const { rows } = await sql.query<{ count: number }>(
    'select count(*)::integer as count from payment_test_payments where key = $1',
    [key],
  );
  return rows[0]!.count;
}
