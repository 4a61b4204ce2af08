import { describe, expect, it } from 'vitest';
import { LiveshopError } from '@liveshop/protocol';
import { ShopperSessions } from './shopper-session.js';
import { Signer, constantTimeEqual } from './signing.js';
import { StaffTokens } from './staff-token.js';

const signer = new Signer('a-test-secret-of-enough-length');

describe('ShopperSessions', () => {
  const sessions = new ShopperSessions(signer);

  it('verifies its own sessions and nothing else', () => {
    const { session, shopperId } = sessions.create();
    expect(sessions.verify(session)).toBe(shopperId);
    expect(new ShopperSessions(new Signer('another-secret-entirely')).verify(session)).toBeNull();
    for (const bad of [undefined, null, 42, {}, '', 'x'.repeat(500), session.slice(0, -1), `${session}x`]) {
      expect(sessions.verify(bad)).toBeNull();
    }
  });

  it('is not accepted as a staff token (signatures are bound to their purpose)', () => {
    const { session } = sessions.create();
    expect(() => new StaffTokens(signer).verify(session)).toThrow(LiveshopError);
  });
});

describe('StaffTokens', () => {
  it('carries role, event and expiry', () => {
    const tokens = new StaffTokens(signer, () => 1_000);
    const issued = tokens.issue('host', 'ev1', 60);
    expect(tokens.verify(issued.token)).toEqual({ id: issued.id, role: 'host', eventId: 'ev1', expiresAt: 61_000 });
    expect(issued.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(tokens.issue('host', 'ev1', 60).id).not.toBe(issued.id);
  });

  it('refuses expired, tampered and foreign tokens with UNAUTHORIZED', () => {
    let now = 1_000;
    const tokens = new StaffTokens(signer, () => now);
    const { token } = tokens.issue('moderator', 'ev1', 60);
    const [head, body, signature] = token.split('.') as [string, string, string];
    const swapped = Buffer.from(Buffer.from(body, 'base64url').toString().replace('moderator', 'host')).toString(
      'base64url',
    );
    const refusals = [
      `${head}.${swapped}.${signature}`,
      `${head}.${body}.${signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`,
      new StaffTokens(new Signer('another-secret-entirely')).issue('host', 'ev1').token,
      'garbage',
      undefined,
    ];
    for (const refused of refusals) {
      expect(() => tokens.verify(refused)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    }
    now = 61_000;
    expect(() => tokens.verify(token)).toThrow(/expired/);
  });
});

describe('constantTimeEqual', () => {
  it('compares strings of any lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
