import { randomText } from '../random-text.js';
import type { Signer } from './signing.js';

const PURPOSE = 'shopper-session';
const SESSION_PATTERN = /^s1\.(s[A-Za-z0-9_-]{16,40})\.([A-Za-z0-9_-]{43})$/;

/**
 * Anonymous shopper sessions: `s1.<shopperId>.<signature>`. The client keeps the token and sends
 * it as `auth.session`, so purchase limits and idempotency follow a shopper across reconnects.
 * Sessions do not expire; they identify a browser, not a person.
 */
export class ShopperSessions {
  constructor(private readonly signer: Signer) {}

  /** Mints a session for a new shopper. */
  create(): { session: string; shopperId: string } {
    const shopperId = `s${randomText(15)}`;
    return { session: this.tokenFor(shopperId), shopperId };
  }

  /** The shopper id a token carries, or null when it is malformed or forged. */
  verify(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 128) return null;
    const match = SESSION_PATTERN.exec(token);
    if (!match) return null;
    const [, shopperId, signature] = match as unknown as [string, string, string];
    return this.signer.verify(PURPOSE, shopperId, signature) ? shopperId : null;
  }

  tokenFor(shopperId: string): string {
    return `s1.${shopperId}.${this.signer.sign(PURPOSE, shopperId)}`;
  }
}
