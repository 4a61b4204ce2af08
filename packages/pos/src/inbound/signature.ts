import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** HMAC-SHA256 of the parts, concatenated, under `key`. */
export function hmacSha256(key: string, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Whether `claimed` (base64 or hex, as the provider sends it) is the HMAC of the parts under one of
 * the keys (several during a secret rotation). The claimed value must have the exact shape of a
 * SHA-256 digest before anything is decoded, and digests are compared in constant time.
 */
export function signatureMatches(
  claimed: string,
  encoding: 'base64' | 'hex',
  keys: readonly string[],
  parts: (string | Buffer)[],
): boolean {
  const shape = encoding === 'base64' ? BASE64_SHA256 : HEX_SHA256;
  if (!shape.test(claimed)) return false;
  const claimedBytes = Buffer.from(claimed, encoding);
  let matched = false;
  for (const key of keys) {
    // Every key is tried, so the time taken does not tell which one matched.
    if (timingSafeEqual(hmacSha256(key, ...parts), claimedBytes)) matched = true;
  }
  return matched;
}

/** The configured secrets as a list; refuses an empty one so nothing ever verifies against "". */
export function secretList(name: string, secrets: string | readonly string[] | undefined): readonly string[] {
  const list = typeof secrets === 'string' ? [secrets] : [...(secrets ?? [])];
  if (list.length === 0 || list.some((secret) => typeof secret !== 'string' || secret.length === 0)) {
    throw new TypeError(`${name} must be a non-empty secret (or a list of them)`);
  }
  return list;
}
