import type { RequestHandler } from 'express';
import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import { constantTimeEqual } from '../auth/signing.js';

/**
 * Requires `Authorization: Bearer <admin key>`, before anything reads the request body. Without a
 * configured key every admin request is refused, so a server started without one never exposes
 * the admin API.
 */
export function requireAdmin(adminKey: string | undefined): RequestHandler {
  return requireBearer(adminKey, 'admin', 'the admin API is off: no admin key is configured');
}

/**
 * Requires `Authorization: Bearer <key>`, compared in constant time; `UNAUTHORIZED` otherwise, or
 * with `disabled` as the message when no key is configured (undefined `disabled`: no key, no check).
 */
export function requireBearer(key: string | undefined, what: string, disabled?: string): RequestHandler {
  return (req, _res, next) => {
    if (!key) {
      if (disabled) throw new LiveshopError(ErrorCode.UNAUTHORIZED, disabled);
      next();
      return;
    }
    const match = /^Bearer (\S{1,512})$/i.exec((req.get('authorization') ?? '').trim());
    if (!match || !constantTimeEqual(match[1]!, key)) {
      throw new LiveshopError(ErrorCode.UNAUTHORIZED, `a valid ${what} key is required (Authorization: Bearer <key>)`);
    }
    next();
  };
}
