import type { DeclineReason } from '../outcome.js';

/** The documented test cards; the numbers follow Stripe's test cards of the same behaviour. */
export const TEST_CARDS = {
  /** Approves at once. */
  approve: '4242 4242 4242 4242',
  /** Declines: `card_declined`. */
  decline: '4000 0000 0000 0002',
  /** Declines: `insufficient_funds`. */
  insufficientFunds: '4000 0000 0000 9995',
  /** Declines: `expired_card`. */
  expired: '4000 0000 0000 0069',
  /** Fails with a processor error (`processing_error`, not retryable under the same key). */
  processorError: '4000 0000 0000 0119',
  /** Approves after 3 seconds (the provider's `slowApprovalMs`); meanwhile the payment is `pending`. */
  slowApprove: '4000 0000 0000 0077',
} as const;

/** What the test processor does with a card; any other valid number approves at once. */
export type TestCardBehaviour =
  | { kind: 'approve' }
  | { kind: 'slow-approve' }
  | { kind: 'decline'; reason: DeclineReason }
  | { kind: 'processor-error' };

const digitsOf = (card: string) => card.replaceAll(' ', '');

const behaviours = new Map<string, TestCardBehaviour>([
  [digitsOf(TEST_CARDS.decline), { kind: 'decline', reason: 'card_declined' }],
  [digitsOf(TEST_CARDS.insufficientFunds), { kind: 'decline', reason: 'insufficient_funds' }],
  [digitsOf(TEST_CARDS.expired), { kind: 'decline', reason: 'expired_card' }],
  [digitsOf(TEST_CARDS.processorError), { kind: 'processor-error' }],
  [digitsOf(TEST_CARDS.slowApprove), { kind: 'slow-approve' }],
]);

export const behaviourOfTestCard = (digits: string): TestCardBehaviour => behaviours.get(digits) ?? { kind: 'approve' };
