import type { PaymentProvider, ProviderName } from './provider.js';
import { StripePaymentProvider, type StripeProviderOptions } from './stripe/stripe-provider.js';
import { TestPaymentProvider, type TestProviderOptions } from './test-provider/test-provider.js';

/**
 * Which providers a server offers. Nothing is on by default: `test` approves made-up cards, so
 * it belongs to demos and tests; `stripe` needs the account's secret key (`STRIPE_SECRET_KEY`,
 * and `STRIPE_API_URL` to point it elsewhere in tests).
 */
export interface PaymentProvidersOptions {
  test?: TestProviderOptions;
  stripe?: StripeProviderOptions;
}

/** The configured providers by name, as a checkout request names them (`payment.provider`). */
export class PaymentProviders {
  private readonly byName = new Map<ProviderName, PaymentProvider>();

  constructor(options: PaymentProvidersOptions) {
    if (options.test) this.byName.set('test', new TestPaymentProvider(options.test));
    if (options.stripe) this.byName.set('stripe', new StripePaymentProvider(options.stripe));
  }

  /** The provider called `name`, or `undefined` when it is unknown or not configured. */
  get(name: unknown): PaymentProvider | undefined {
    return typeof name === 'string' ? this.byName.get(name as ProviderName) : undefined;
  }

  /** The configured providers' names, for a client to offer only what works. */
  get names(): ProviderName[] {
    return [...this.byName.keys()];
  }
}
