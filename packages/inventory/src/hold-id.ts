import { randomBytes } from 'node:crypto';

/**
 * Hold ids are `h<base36>~<sku>`: the base-36 part is the SKU's version at reservation (unique
 * per SKU) followed by a random nonce (so ids cannot be guessed), and the SKU after `~` lets
 * release and commit find the SKU's keys without a lookup.
 */
export function skuOfHoldId(holdId: string): string {
  return holdId.slice(holdId.indexOf('~') + 1);
}

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** Seven random base-36 characters (32 bits, zero-padded), drawn from a pooled CSPRNG buffer. */
export function holdNonce(): string {
  if (offset + 4 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const value = pool.readUInt32BE(offset);
  offset += 4;
  return value.toString(36).padStart(7, '0');
}
