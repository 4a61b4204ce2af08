/**
 * `@liveshop/console`: the host and moderator consoles. The server serves the built pages
 * (`@liveshop/console/pages/*`); {@link consolePagesDir} finds them.
 */
export { StaffSession, type SessionStatus } from './shared/staff-session.js';
export { readToken, tokenClaims } from './shared/token.js';
