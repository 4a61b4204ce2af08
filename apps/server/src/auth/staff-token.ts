import { randomBytes } from 'node:crypto';
import { ErrorCode, LiveshopError, type StaffRole } from '@liveshop/protocol';
import type { Signer } from './signing.js';

const PURPOSE = 'staff-token';
const TOKEN_PATTERN = /^t1\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
/** Default lifetime of a staff token: one long show day. */
export const DEFAULT_STAFF_TOKEN_TTL_SECONDS = 12 * 3600;

/** What a host or moderator token grants: one role on one event until `expiresAt`. */
export interface StaffClaims {
  /** The token's id: what revokes it, and what records name as the actor. */
  id: string;
  role: StaffRole;
  eventId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Host and moderator tokens: `t1.<base64url JSON claims>.<signature>`, issued by the admin API.
 * Stateless, so every process verifies them with the shared secret alone.
 */
export class StaffTokens {
  constructor(
    private readonly signer: Signer,
    private readonly now: () => number = Date.now,
  ) {}

  issue(
    role: StaffRole,
    eventId: string,
    ttlSeconds = DEFAULT_STAFF_TOKEN_TTL_SECONDS,
  ): { token: string } & StaffClaims {
    const expiresAt = this.now() + ttlSeconds * 1000;
    // The nonce is the token's id: random, so two tokens issued in the same millisecond differ.
    const id = randomBytes(9).toString('base64url');
    const body = Buffer.from(JSON.stringify({ r: role, e: eventId, x: expiresAt, n: id })).toString('base64url');
    return { token: `t1.${body}.${this.signer.sign(PURPOSE, body)}`, id, role, eventId, expiresAt };
  }

  /** Verifies signature and expiry; throws `UNAUTHORIZED` naming which check failed. */
  verify(token: unknown): StaffClaims {
    const match = typeof token === 'string' ? TOKEN_PATTERN.exec(token) : null;
    if (!match) throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'a staff token is required');
    const [, body, signature] = match as unknown as [string, string, string];
    if (!this.signer.verify(PURPOSE, body, signature)) {
      throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'the token signature is invalid');
    }
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      r: StaffRole;
      e: string;
      x: number;
      n: string;
    };
    if (!(claims.x > this.now())) throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'the token has expired');
    return { id: String(claims.n), role: claims.r, eventId: claims.e, expiresAt: claims.x };
  }
}
