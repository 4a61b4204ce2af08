import type { CardSummary } from './provider.js';

/** A card number that passed the checks; `digits` must not leave the process that read it. */
export interface CardNumber extends CardSummary {
  digits: string;
}

/** Issuer ranges by leading digits, the most specific first; enough to label a receipt. */
const BRANDS: [brand: string, prefix: RegExp][] = [
  ['amex', /^3[47]/],
  ['diners', /^3(?:0[0-5]|[689])/],
  ['jcb', /^35(?:2[89]|[3-8])/],
  ['visa', /^4/],
  ['mastercard', /^(?:5[1-5]|2(?:22[1-9]|2[3-9]|[3-6]|7[01]|720))/],
  ['discover', /^(?:6011|64[4-9]|65)/],
  ['unionpay', /^62/],
];

/**
 * Reads a card number as a shopper types it: digits, optionally grouped with single spaces.
 * Returns `undefined` for anything else, for a length outside 12–19 digits, or for a number that
 * fails the Luhn check.
 */
export function parseCardNumber(input: unknown): CardNumber | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  const trimmed = input.trim();
  if (!/^\d+(?: \d+)*$/.test(trimmed)) return undefined;
  const digits = trimmed.replaceAll(' ', '');
  if (digits.length < 12 || digits.length > 19 || !passesLuhn(digits)) return undefined;
  const brand = BRANDS.find(([, prefix]) => prefix.test(digits))?.[0] ?? 'unknown';
  return { digits, brand, last4: digits.slice(-4) };
}

/** The mod-10 checksum every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
