import type { DeclineReason } from './outcome.js';

/** What the shopper reads for each decline when the provider gave no message of its own. */
export const declineMessages: Record<DeclineReason, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: "Your card's security code is incorrect.",
  incorrect_number: 'Your card number is incorrect.',
  authentication_required: 'Your bank asks for an extra confirmation this checkout cannot show; try another card.',
  card_not_supported: 'Your card does not support this type of purchase.',
  currency_not_supported: 'Your card does not support this currency.',
};
