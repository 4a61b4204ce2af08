import type { DeviceClass } from './facts.js';

/**
 * The device class of a user agent: tablets first (iPads, Android without "Mobile", the word
 * Tablet), then phones (Mobi, iPhone, Android), anything else that names itself a desktop, and
 * `unknown` without a user agent. Coarse on purpose: it only splits the viewers for reports.
 */
export function deviceClassOf(userAgent: string | undefined): DeviceClass {
  if (!userAgent) return 'unknown';
  if (/iPad|Tablet|PlayBook|Silk|Android(?!.*Mobile)/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(userAgent)) return 'phone';
  return 'desktop';
}
