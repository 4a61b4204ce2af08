import type { ErrorCode } from '@liveshop/protocol';
import type { CheckoutStrings } from '../checkout-dialog/checkout-strings.js';

/**
 * Every piece of text the widget shows. Functions take the values they interpolate, so a
 * translation controls word order and plurals. `errors` must name every wire error code, so a new
 * code is a compile error here until it has a message.
 */
export interface Strings {
  widgetLabel: (title: string) => string;
  live: string;
  offline: string;
  reconnecting: string;
  eventNotFound: string;
  showEnded: string;
  showStartsSoon: string;
  streamLoading: string;
  streamOffline: string;
  unmute: string;
  mute: string;
  products: string;
  productCount: (count: number) => string;
  chat: string;
  pinnedLabel: string;
  /** The button that shows the next pinned product on a small stage; `position` counts from 1. */
  nextPinned: (position: number, total: number) => string;
  onAir: string;
  inStock: string;
  onlyLeft: (count: number) => string;
  soldOut: string;
  /** A drop's product before it goes on sale; `time` counts down (m:ss). */
  onSaleIn: (time: string) => string;
  backInStock: (title: string) => string;
  announceOnlyLeft: (title: string, count: number) => string;
  announceSoldOut: (title: string) => string;
  buyNow: string;
  buyNowFor: (title: string) => string;
  reserving: string;
  details: (title: string) => string;
  close: string;
  yourHolds: string;
  heldFor: (time: string) => string;
  holdCountdownLabel: (title: string, time: string) => string;
  checkout: string;
  release: string;
  releaseFor: (title: string) => string;
  holdPlaced: (title: string) => string;
  holdExpired: (title: string) => string;
  holdReleased: (title: string) => string;
  chatLabel: string;
  chatPlaceholder: string;
  send: string;
  chatEmpty: string;
  errors: Record<ErrorCode, string>;
}

export const en: Strings = {
  widgetLabel: (title) => `Live shopping: ${title}`,
  live: 'Live',
  offline: 'You are offline. Reconnecting…',
  reconnecting: 'Reconnecting…',
  eventNotFound: 'This live show could not be found.',
  showEnded: 'The show has ended. Thanks for watching!',
  showStartsSoon: 'The show starts soon.',
  streamLoading: 'Loading the stream…',
  streamOffline: 'Stream offline. Reconnecting…',
  unmute: 'Tap to unmute',
  mute: 'Mute',
  products: 'Shop',
  productCount: (count) => `${count} ${count === 1 ? 'product' : 'products'}`,
  chat: 'Chat',
  pinnedLabel: 'Featured now',
  nextPinned: (position, total) => `Next featured product (${position} of ${total})`,
  onAir: 'On air',
  inStock: 'In stock',
  onlyLeft: (count) => `Only ${count} left`,
  soldOut: 'Sold out',
  onSaleIn: (time) => `On sale in ${time}`,
  backInStock: (title) => `${title} is back in stock`,
  announceOnlyLeft: (title, count) => `${title}: only ${count} left`,
  announceSoldOut: (title) => `${title} is sold out`,
  buyNow: 'Buy now',
  buyNowFor: (title) => `Buy now: ${title}`,
  reserving: 'Reserving…',
  details: (title) => `Details: ${title}`,
  close: 'Close',
  yourHolds: 'Reserved for you',
  heldFor: (time) => `Held for ${time}`,
  holdCountdownLabel: (title, time) => `${title} is held for you for ${time}`,
  checkout: 'Check out',
  release: 'Release',
  releaseFor: (title) => `Release ${title}`,
  holdPlaced: (title) => `${title} is reserved for you`,
  holdExpired: (title) => `Your hold on ${title} has expired`,
  holdReleased: (title) => `${title} was released`,
  chatLabel: 'Chat message',
  chatPlaceholder: 'Say something…',
  send: 'Send',
  chatEmpty: 'No messages yet. Say hello!',
  errors: {
    SOLD_OUT: 'Sorry, this just sold out.',
    LIMIT_EXCEEDED: 'You have reached the limit for this item.',
    INVALID_INPUT: 'That request was not valid. Please try again.',
    NOT_FOUND: 'This product is no longer available.',
    HOLD_EXPIRED: 'Your hold has expired.',
    HOLD_NOT_FOUND: 'That hold no longer exists.',
    IDEMPOTENCY_CONFLICT: 'Please tap Buy now again.',
    ALLOCATION_BELOW_COMMITTED: 'Stock is being updated. Please try again.',
    EVENT_NOT_LIVE: 'Buying opens when the show is live.',
    RATE_LIMITED: 'Too many tries. Please wait a moment.',
    UNAUTHORIZED: 'Your session has expired. Please reload the page.',
    FORBIDDEN: 'That is not allowed.',
    CONFLICT: 'Something changed meanwhile. Please try again.',
    PAYLOAD_TOO_LARGE: 'That is too long.',
    UNAVAILABLE: 'The shop cannot be reached right now. Please try again.',
    INTERNAL: 'Something went wrong on our side. Please try again.',
    PAYMENT_DECLINED: 'Your card was declined. Nothing was charged.',
    PAYMENT_FAILED: 'The payment did not go through. Nothing was charged.',
    PAYMENT_UNAVAILABLE: 'This shop cannot take payments right now.',
    NOT_AVAILABLE_AT_LOCATION: 'This store cannot supply the item. Choose another store or shipping.',
    NOT_ON_SALE: 'Not on sale yet.',
    BANNED: 'You cannot take part in this show.',
    MUTED: 'You are muted for now.',
  },
};

/**
 * A translation may leave out any string; English fills the gaps. `checkoutDialog` holds the text of
 * the checkout dialog, which loads with the dialog (as do the German messages of the errors only a
 * checkout answers).
 */
export type Translation = Partial<Omit<Strings, 'errors'>> & {
  errors?: Partial<Strings['errors']>;
  checkoutDialog?: Partial<CheckoutStrings>;
};

const de: Translation = {
  live: 'Live',
  offline: 'Keine Verbindung. Verbinde neu…',
  unmute: 'Ton einschalten',
  products: 'Shop',
  chat: 'Chat',
  pinnedLabel: 'Jetzt vorgestellt',
  nextPinned: (position, total) => `Nächstes vorgestelltes Produkt (${position} von ${total})`,
  inStock: 'Auf Lager',
  onlyLeft: (count) => `Nur noch ${count}`,
  soldOut: 'Ausverkauft',
  onSaleIn: (time) => `Verkauf ab ${time}`,
  buyNow: 'Jetzt kaufen',
  buyNowFor: (title) => `Jetzt kaufen: ${title}`,
  checkout: 'Zur Kasse',
  release: 'Freigeben',
  send: 'Senden',
  errors: { SOLD_OUT: 'Leider gerade ausverkauft.' },
};

/** Built-in translations by primary language subtag. */
export const translations: Record<string, Translation> = { en: {}, de };

/**
 * The strings for a language tag (`de-AT` falls back to `de`, then English), with the merchant's
 * overrides applied last.
 */
export function resolveStrings(lang: string | undefined, overrides?: Translation): Strings {
  const primary = (lang ?? 'en').toLowerCase().split('-')[0] ?? 'en';
  const base = translations[primary] ?? {};
  return {
    ...en,
    ...base,
    ...overrides,
    errors: { ...en.errors, ...base.errors, ...overrides?.errors },
  };
}
