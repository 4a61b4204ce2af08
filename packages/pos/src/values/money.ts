const AMOUNT = /^(-?)(\d{1,13})(?:\.(\d{1,6}))?$/;

/** Digits after the decimal point in a currency's minor unit (USD 2, JPY 0, KWD 3), or undefined. */
export function minorUnitDigits(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return undefined;
  }
}

/**
 * A decimal amount string ("403.00") in the currency's minor units (40300), computed on the digits
 * so no binary fraction creeps in; a finer amount is rounded half away from zero.
 */
export function minorUnitsOfAmount(amount: string, currency: string): number | undefined {
  const digits = minorUnitDigits(currency);
  const match = AMOUNT.exec(amount);
  if (digits === undefined || !match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  const kept = fraction.padEnd(digits, '0').slice(0, digits);
  const roundUp = fraction.length > digits && Number(fraction[digits]) >= 5;
  const magnitude = Number(whole + kept) + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return minus && magnitude !== 0 ? -magnitude : magnitude;
}
