import type { SqlExecutor } from '../sql-executor.js';

/**
 * The test provider's records: what a real processor keeps on its side. They live in the
 * merchant's database so that any process (a reconciler after a crash) sees the same payments.
 * `settles_at` is when the processor's answer becomes visible (a slow approval); amounts are
 * minor units, bounded far below 2^31.
 */
export const testProviderSchema: readonly string[] = [
  `create table if not exists payment_test_payments (
  key text primary key,
  reference text not null unique,
  state text not null check (state in ('authorized', 'captured', 'refunded', 'voided', 'declined', 'failed')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_cents integer not null check (amount_cents > 0),
  captured_cents integer not null default 0 check (captured_cents between 0 and amount_cents),
  refunded_cents integer not null default 0 check (refunded_cents between 0 and captured_cents),
  card_brand text not null,
  card_last4 text not null check (card_last4 ~ '^[0-9]{4}$'),
  decline_reason text,
  failure_code text,
  settles_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
)`,
  `create table if not exists payment_test_refunds (
  payment_key text not null references payment_test_payments (key),
  refund_key text not null,
  reference text not null unique,
  amount_cents integer not null check (amount_cents > 0),
  currency text not null,
  created_at timestamptz not null default now(),
  primary key (payment_key, refund_key)
)`,
];

/**
 * The same statements as one migration file's text (statements end with `;` at the end of a
 * line), for a migration runner; every statement is `if not exists`, so applying it twice is safe.
 */
export const testProviderMigrationSql = `-- The test payment provider's payments and refunds.\n${testProviderSchema.join(';\n\n')};\n`;

/** Creates the test provider's tables when they are missing. */
export async function installTestProviderSchema(sql: SqlExecutor): Promise<void> {
  for (const statement of testProviderSchema) await sql.query(statement);
}
