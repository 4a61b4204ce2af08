import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `bytes` random bytes as base64url, drawn from a pool of CSPRNG bytes refilled 4 KiB at a time:
 * a join storm mints a shopper id and a visit id per connection, and one `randomBytes` call per
 * id was a system call each. Every byte is handed out once.
 */
export function randomText(bytes: number): string {
  if (bytes > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} random bytes at a time`);
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += bytes;
  return pool.toString('base64url', offset - bytes, offset);
}
