import type { ErrorCode } from '@liveshop/protocol';

/**
 * The checkout dialog's text. It loads with the dialog (not with the core script), so a page that
 * never opens a checkout never downloads it. Merchants override any of it through
 * `translations.checkoutDialog`; error messages come from the core table (`Strings.errors`), the German ones of checkout errors from here.
 */
export interface CheckoutStrings {
  title: string;
  /** The held item at the top of the dialog: `2 × Mug`. */
  heldItem: (title: string, qty: number) => string;
  contact: string;
  email: string;
  phone: string;
  optional: string;
  name: string;
  delivery: string;
  ship: string;
  pickup: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
  pickupAt: string;
  loadingLocations: string;
  noLocations: string;
  locationsFailed: string;
  payment: string;
  cardNumber: string;
  testCardHint: string;
  subtotal: string;
  total: string;
  pay: (amount: string) => string;
  paying: string;
  cancel: string;
  close: string;
  required: (field: string) => string;
  invalidEmail: string;
  invalidCard: string;
  holdGone: string;
  confirmedTitle: string;
  orderNumber: (number: string) => string;
  confirmedShip: (email: string) => string;
  confirmedPickup: (location: string) => string;
  /**
   * Messages of the errors a checkout answers, in this language; they take precedence over the
   * core table's (`Strings.errors`), and the merchant's `translations.errors` over both.
   */
  errors?: Partial<Record<ErrorCode, string>>;
}

export const checkoutEn: CheckoutStrings = {
  title: 'Checkout',
  heldItem: (title, qty) => (qty > 1 ? `${qty} × ${title}` : title),
  contact: 'Contact',
  email: 'Email',
  phone: 'Phone',
  optional: 'optional',
  name: 'Full name',
  delivery: 'Delivery',
  ship: 'Ship to me',
  pickup: 'Pick up in store',
  line1: 'Address',
  line2: 'Apartment, suite (optional)',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
  pickupAt: 'Pick up at',
  loadingLocations: 'Finding stores with this item…',
  noLocations: 'No store can hold this item for pickup right now.',
  locationsFailed: 'Stores could not be loaded. Please try again.',
  payment: 'Payment',
  cardNumber: 'Card number',
  testCardHint: 'Test mode: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined.',
  subtotal: 'Subtotal',
  total: 'Total',
  pay: (amount) => `Pay ${amount}`,
  paying: 'Paying…',
  cancel: 'Cancel',
  close: 'Close',
  required: (field) => `Please enter: ${field}`,
  invalidEmail: 'Please enter a valid email address.',
  invalidCard: 'Please enter the 16 digits of your card.',
  holdGone: 'This item is no longer held for you.',
  confirmedTitle: 'Thank you! Your order is confirmed.',
  orderNumber: (number) => `Order number ${number}`,
  confirmedShip: (email) => `A confirmation goes to ${email}. We ship it soon.`,
  confirmedPickup: (location) => `Pick it up at ${location}; we email you when it is ready.`,
};

const checkoutDe: CheckoutStrings = {
  title: 'Kasse',
  heldItem: (title, qty) => (qty > 1 ? `${qty} × ${title}` : title),
  contact: 'Kontakt',
  email: 'E-Mail',
  phone: 'Telefon',
  optional: 'optional',
  name: 'Vor- und Nachname',
  delivery: 'Lieferung',
  ship: 'Versand an mich',
  pickup: 'Im Laden abholen',
  line1: 'Straße und Hausnummer',
  line2: 'Adresszusatz (optional)',
  city: 'Ort',
  postalCode: 'Postleitzahl',
  country: 'Land',
  pickupAt: 'Abholen in',
  loadingLocations: 'Suche Läden mit diesem Artikel…',
  noLocations: 'Im Moment kann kein Laden diesen Artikel zur Abholung bereithalten.',
  locationsFailed: 'Die Läden konnten nicht geladen werden. Bitte versuche es erneut.',
  payment: 'Zahlung',
  cardNumber: 'Kartennummer',
  testCardHint: 'Testmodus: 4242 4242 4242 4242 zahlt, 4000 0000 0000 0002 wird abgelehnt.',
  subtotal: 'Zwischensumme',
  total: 'Gesamt',
  pay: (amount) => `${amount} bezahlen`,
  paying: 'Zahlung läuft…',
  cancel: 'Abbrechen',
  close: 'Schließen',
  required: (field) => `Bitte ausfüllen: ${field}`,
  invalidEmail: 'Bitte gib eine gültige E-Mail-Adresse ein.',
  invalidCard: 'Bitte gib die 16 Ziffern deiner Karte ein.',
  holdGone: 'Dieser Artikel ist nicht mehr für dich reserviert.',
  confirmedTitle: 'Danke! Deine Bestellung ist bestätigt.',
  orderNumber: (number) => `Bestellnummer ${number}`,
  confirmedShip: (email) => `Eine Bestätigung geht an ${email}. Wir versenden bald.`,
  confirmedPickup: (location) => `Abholung in ${location}; wir schreiben dir, sobald sie bereitliegt.`,
  errors: {
    PAYMENT_DECLINED: 'Deine Karte wurde abgelehnt. Es wurde nichts abgebucht.',
    PAYMENT_FAILED: 'Die Zahlung ist nicht durchgegangen. Es wurde nichts abgebucht.',
    PAYMENT_UNAVAILABLE: 'Dieser Shop kann gerade keine Zahlungen annehmen.',
    NOT_AVAILABLE_AT_LOCATION: 'Dieser Laden hat den Artikel nicht. Wähle einen anderen Laden oder Versand.',
    HOLD_EXPIRED: 'Deine Reservierung ist abgelaufen. Es wurde nichts abgebucht.',
    HOLD_NOT_FOUND: 'Diese Reservierung gibt es nicht mehr.',
    IDEMPOTENCY_CONFLICT: 'Bitte tippe noch einmal auf Bezahlen.',
    INVALID_INPUT: 'Bitte prüfe deine Angaben.',
    UNAVAILABLE: 'Der Shop ist gerade nicht erreichbar. Bitte versuche es erneut.',
    RATE_LIMITED: 'Zu viele Versuche. Bitte warte einen Moment.',
    INTERNAL: 'Bei uns ist etwas schiefgegangen. Bitte versuche es erneut.',
  },
};

/** Built-in checkout translations by primary language subtag (the same languages as the core table). */
export const checkoutTranslations: Record<string, Partial<CheckoutStrings>> = { en: {}, de: checkoutDe };

/** The checkout strings for a language tag (`de-AT` → `de`, then English), the merchant's overrides last. */
export function resolveCheckoutStrings(
  lang: string | undefined,
  overrides?: Partial<CheckoutStrings>,
): CheckoutStrings {
  const primary = (lang ?? 'en').toLowerCase().split('-')[0] ?? 'en';
  return { ...checkoutEn, ...checkoutTranslations[primary], ...overrides };
}
