export type {
  AuthorizeRequest,
  CaptureRequest,
  CardSummary,
  Payment,
  PaymentMethodInput,
  PaymentProvider,
  PaymentRef,
  PaymentState,
  ProviderName,
  Refund,
  RefundRequest,
  RetrieveRequest,
  VoidRequest,
} from './provider.js';
export type {
  AuthorizeOutcome,
  CaptureOutcome,
  Declined,
  DeclineReason,
  Failed,
  FailureCode,
  PaymentApproved,
  RefundOutcome,
  Rejected,
  RejectionCode,
  RetrieveOutcome,
  VoidOutcome,
} from './outcome.js';
export type { SqlExecutor } from './sql-executor.js';
export { MAX_AMOUNT_CENTS, MAX_KEY_LENGTH } from './request-input.js';
export { parseCardNumber, type CardNumber } from './card-number.js';
export { declineMessages } from './decline-messages.js';
export { TEST_CARDS } from './test-provider/cards.js';
export { installTestProviderSchema, testProviderMigrationSql, testProviderSchema } from './test-provider/schema.js';
export { TestPaymentProvider, type TestProviderOptions } from './test-provider/test-provider.js';
export { StripePaymentProvider, type StripeProviderOptions } from './stripe/stripe-provider.js';
export { PaymentProviders, type PaymentProvidersOptions } from './registry.js';
