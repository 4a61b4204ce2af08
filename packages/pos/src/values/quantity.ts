import { z } from 'zod';

/** The largest on-hand magnitude accepted from a POS (Shopify's own bound is 1,000,000,000). */
export const MAX_ON_HAND = 1_000_000_000;

/** Square's quantities: a plain decimal string with up to 5 digits after the point. */
const DECIMAL = /^(-?)(\d{1,10})(?:\.(\d{1,5}))?$/;

/**
 * Whole units in a decimal quantity string ("3.0" → 3, "-2" → -2), rounded down: an item sold by
 * weight with 2.5 on hand has 2 whole units to sell, and -0.5 is a shortfall of one. Exponents
 * ("1e3"), signs other than a leading minus, spaces and words are refused (`undefined`).
 */
export function wholeUnitsOfDecimal(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  const magnitude = Number(whole);
  const hasFraction = /[1-9]/.test(fraction);
  const units = minus ? -magnitude - (hasFraction ? 1 : 0) : magnitude;
  if (Math.abs(units) > MAX_ON_HAND) return undefined;
  return units === 0 ? 0 : units;
}

/** An on-hand integer as a JSON number, within ±{@link MAX_ON_HAND}. */
export const onHandNumber = z.number().int().min(-MAX_ON_HAND).max(MAX_ON_HAND);

/** A Square-style decimal quantity string, read as whole units. */
export const decimalQuantity = z.string().transform((text, context) => {
  const units = wholeUnitsOfDecimal(text);
  if (units === undefined) {
    context.addIssue({ code: 'custom', message: `"${text.slice(0, 32)}" is not a decimal quantity` });
    return z.NEVER;
  }
  return units;
});
