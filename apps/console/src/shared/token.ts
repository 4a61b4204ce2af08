import type { StaffRole } from '@liveshop/protocol';

/** What a staff token says about itself (read without verifying: the server verifies). */
export interface TokenClaims {
  role: StaffRole;
  eventId: string;
  expiresAt: number;
  id: string;
}

/** The claims of a `t1.<claims>.<signature>` token, or null when it is not one. */
export function tokenClaims(token: string): TokenClaims | null {
  const body = /^t1\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/.exec(token.trim())?.[1];
  if (!body) return null;
  try {
    const json = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { r: StaffRole; e: string; x: number; n: string };
    return { role: claims.r, eventId: claims.e, expiresAt: claims.x, id: claims.n };
  } catch {
    return null;
  }
}

const storageKey = (role: StaffRole) => `liveshop:console:${role}`;

/**
 * The console's token: taken from the link's fragment (`#token=…`, never sent to the server in a
 * request line or a log) and kept for this tab in sessionStorage, the fragment then removed from
 * the address bar; or the one kept before.
 */
export function readToken(role: StaffRole): string | null {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem(storageKey(role), fromLink);
    history.replaceState(null, '', location.pathname + location.search);
    return fromLink;
  }
  return sessionStorage.getItem(storageKey(role));
}

export function storeToken(role: StaffRole, token: string | null): void {
  if (token) sessionStorage.setItem(storageKey(role), token);
  else sessionStorage.removeItem(storageKey(role));
}
