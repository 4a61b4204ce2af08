import { z } from 'zod';

/**
 * A POS id as a string. Shopify's numeric ids arrive as JSON numbers, or as strings of digits when
 * they are too large for a double (see `parseJsonBody`); both come out as the same digits.
 */
export const numericId = z.union([
  z.string().regex(/^\d{1,20}$/, 'an id of digits'),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
]);

/** An opaque POS id (Square's catalog and location ids, the generic webhook's ids). */
export const opaqueId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
