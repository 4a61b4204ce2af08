import { randomBytes } from 'node:crypto';

/**
 * Hold ids are `h<version><nonce>~<sku>`: the SKU's version at reservation in base 36 (unique per
 * SKU), then a random nonce of eight hex characters (so ids cannot be guessed), and the SKU after
 * `~` lets release and commit find the SKU's keys without a lookup.
 */
export function skuOfHoldId(holdId: string): string {
  return holdId.slice(holdId.indexOf('~') + 1);
}

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/**
 * Eight random lowercase hex characters (32 bits), drawn from a pooled CSPRNG buffer: one native
 * `toString('hex')` per hold, on the reserve path of every shopper.
 */
export function holdNonce(): string {
  if (offset + 4 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  offset += 4;
  return pool.toString('hex', offset - 4, offset);
}
