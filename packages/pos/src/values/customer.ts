import type { PosCustomer } from '../types.js';

/** An e-mail address as matched: trimmed and lower-cased; undefined when it is not one. */
export function normaliseEmail(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const trimmed = email.trim().toLowerCase();
  return trimmed.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed : undefined;
}

/**
 * A phone number as matched: its digits, with a leading "+" kept when it had one. Fewer than 7
 * digits is no phone number (Shopify's samples carry "555-555-SHIP", six digits and a word).
 */
export function normalisePhone(phone: unknown): string | undefined {
  if (typeof phone !== 'string' || phone.length > 40) return undefined;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  return phone.trim().startsWith('+') ? `+${digits}` : digits;
}

/** A customer from whatever identifiers a POS sent, keeping only the usable ones. */
export function customerOf(raw: { email?: unknown; phone?: unknown; loyaltyId?: unknown }): PosCustomer {
  const customer: PosCustomer = {};
  const email = normaliseEmail(raw.email);
  const phone = normalisePhone(raw.phone);
  if (email) customer.email = email;
  if (phone) customer.phone = phone;
  if (typeof raw.loyaltyId === 'string' && raw.loyaltyId.trim() !== '') customer.loyaltyId = raw.loyaltyId.trim();
  return customer;
}
