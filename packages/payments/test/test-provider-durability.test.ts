import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installTestProviderSchema,
  TEST_CARDS,
  testProviderMigrationSql,
  testProviderSchema,
  TestPaymentProvider,
  type SqlExecutor,
} from '@liveshop/payments';
import { randomKey } from './keys.js';
import { openPostgresTarget, pgliteExecutor, TEST_DATABASE_URL, type SqlTarget } from './sql-targets.js';

describe.skipIf(!TEST_DATABASE_URL)('a payment authorized by a process that died (PostgreSQL)', () => {
  let target: SqlTarget;
  beforeAll(async () => {
    target = await openPostgresTarget(TEST_DATABASE_URL!);
  });
  afterAll(() => target?.close());

  /** Starts a child that authorizes `key`, waits until its payment row exists, and SIGKILLs it. */
  async function authorizeAndKill(key: string, card: string, slowApprovalMs: number): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/authorize-and-hang.ts', import.meta.url))],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          ...process.env,
          LIVESHOP_PAYMENT_CHILD: JSON.stringify({ ...target.connection, key, card, slowApprovalMs }),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the child exited with ${child.exitCode}`);
        const { rows } = await target.sql.query('select 1 from payment_test_payments where key = $1', [key]);
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }

  it('is voided by another process, and the key never authorizes twice', async () => {
    const key = randomKey();
    await authorizeAndKill(key, TEST_CARDS.slowApprove, 1_500);
    const other = await target.openAnother();
    try {
      const reconciler = new TestPaymentProvider({ sql: other.sql });
      const found = await reconciler.retrieve({ key });
      expect(found).toMatchObject({ outcome: 'found', payment: { key, amountCents: 4200, card: { last4: '0077' } } });
      if (found.outcome !== 'found') return;
      expect(['pending', 'authorized']).toContain(found.payment.state);
      expect(await reconciler.void({ key, reference: found.payment.reference })).toMatchObject({
        outcome: 'approved',
        payment: { state: 'voided' },
      });
      const again = await reconciler.authorize({
        key,
        amountCents: 4200,
        currency: 'USD',
        method: { card: TEST_CARDS.slowApprove },
      });
      expect(again).toMatchObject({
        outcome: 'approved',
        payment: { reference: found.payment.reference, state: 'voided' },
      });
    } finally {
      await other.close();
    }
  });

  it('is captured by another process', async () => {
    const key = randomKey();
    await authorizeAndKill(key, TEST_CARDS.approve, 0);
    const other = await target.openAnother();
    try {
      const reconciler = new TestPaymentProvider({ sql: other.sql });
      const found = await reconciler.retrieve({ key });
      if (found.outcome !== 'found') throw new Error(JSON.stringify(found));
      expect(found.payment.state).toBe('authorized');
      expect(await reconciler.capture({ key, reference: found.payment.reference })).toMatchObject({
        outcome: 'approved',
        payment: { state: 'captured', capturedCents: 4200 },
      });
    } finally {
      await other.close();
    }
  });
});

describe('the test provider on an embedded PGlite directory', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'liveshop-payments-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps an authorization across a restart, for the next start to capture', async () => {
    const key = randomKey();
    const first = new PGlite(dataDir);
    await installTestProviderSchema(pgliteExecutor(first));
    const authorized = await new TestPaymentProvider({ sql: pgliteExecutor(first) }).authorize({
      key,
      amountCents: 1999,
      currency: 'GBP',
      method: { card: TEST_CARDS.approve },
    });
    await first.close();
    if (authorized.outcome !== 'approved') throw new Error(JSON.stringify(authorized));

    const second = new PGlite(dataDir);
    try {
      await installTestProviderSchema(pgliteExecutor(second));
      const provider = new TestPaymentProvider({ sql: pgliteExecutor(second) });
      expect(await provider.capture({ key, reference: authorized.payment.reference })).toMatchObject({
        outcome: 'approved',
        payment: { state: 'captured', capturedCents: 1999, currency: 'GBP' },
      });
    } finally {
      await second.close();
    }
  });
});

describe('the test provider schema', () => {
  it('is one migration text in the migration runner format, applicable twice', async () => {
    const db = new PGlite('memory://');
    try {
      const statements = testProviderMigrationSql
        .split(/;\s*$/m)
        .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
        .filter(Boolean);
      expect(statements).toEqual([...testProviderSchema]);
      const sql: SqlExecutor = pgliteExecutor(db);
      for (const statement of statements) await sql.query(statement);
      await installTestProviderSchema(sql);
      const { rows } = await sql.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_name like 'payment_test_%' order by 1",
      );
      expect(rows.map((row) => row.table_name)).toEqual(['payment_test_payments', 'payment_test_refunds']);
    } finally {
      await db.close();
    }
  });
});
