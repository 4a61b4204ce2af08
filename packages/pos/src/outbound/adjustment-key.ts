import { createHash } from 'node:crypto';

/** The namespace of Liveshop's adjustment keys (a fixed random UUID). */
const NAMESPACE = Buffer.from('6f1d0c3ab8e44f0e9a7c2d51e0b94c37', 'hex');

/**
 * A deterministic UUID (version 5, RFC 9562) naming one adjustment, from the parts that identify
 * it — e.g. `adjustmentKey('sale', orderId, 'shopify')`. The same parts give the same key in every
 * process and on every retry, and different parts never collide in practice. Parts are length-
 * prefixed, so ('ab','c') and ('a','bc') differ.
 */
export function adjustmentKey(...parts: (string | number)[]): string {
  const hash = createHash('sha1').update(NAMESPACE);
  for (const part of parts) {
    const text = String(part);
    hash.update(`${Buffer.byteLength(text)}:${text};`);
  }
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
