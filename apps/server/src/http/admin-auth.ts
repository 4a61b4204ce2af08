import type { RequestHandler } from 'express';
import { ErrorCode, LiveshopError } from '@liveshop/protocol';
import { constantTimeEqual } from '../auth/signing.js';

/**
 * Requires `Authorization: Bearer <admin key>`. Without a configured key every admin request is
 * refused, so a server started without one never exposes the admin API.
 */
export function requireAdmin(adminKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (\S{1,512})$/i.exec(header.trim());
    if (!adminKey)
      throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'the admin API is disabled: no admin key is configured');
    if (!match || !constantTimeEqual(match[1]!, adminKey)) {
      throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'a valid admin key is required (Authorization: Bearer <key>)');
    }
    next();
  };
}
