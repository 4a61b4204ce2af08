import { randomBytes } from 'node:crypto';
import type { SqlExecutor } from '@liveshop/payments';

export const randomKey = (prefix = 'pay') => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Every column of a payment and its refunds as text, to look for what must not be stored. */
export async function storedText(sql: SqlExecutor, key: string): Promise<string> {
  const { rows } = await sql.query(
    `select row_to_json(p)::text as payment,
            (select coalesce(json_agg(r)::text, '') from payment_test_refunds r where r.payment_key = p.key) as refunds
     from payment_test_payments p where p.key = $1`,
    [key],
  );
  return JSON.stringify(rows);
}
