export { startServer, type RunningServer } from './server.js';
export { resolveOptions, DEMO_ADMIN_KEY, DEMO_POS_SECRETS, type ServerOptions } from './config/options.js';
export { optionsFromEnv } from './config/env.js';
export { Signer } from './auth/signing.js';
export { StaffTokens, type StaffClaims } from './auth/staff-token.js';
export type { SettleReport } from './orders/order-reconciler.js';
export type { CheckoutFaultHook } from './orders/checkout-service.js';
export { LedgerRules } from './anomalies/ledger-rules.js';
