import type { ErrorRequestHandler, RequestHandler } from 'express';
import createDebug from 'debug';
import { ErrorCode, LiveshopError, httpStatusOf, type ErrorBody } from '@liveshop/protocol';
import { toErrorBody } from '../error-body.js';

const debug = createDebug('liveshop:http');

/** {@link toErrorBody}, and the body parser's refusals of a request body. */
function httpErrorBody(error: unknown): ErrorBody {
  const bodyParserType = (error as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.too.large') {
    return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'the request body is too large' };
  }
  if (bodyParserType === 'entity.parse.failed') {
    return { code: ErrorCode.INVALID_INPUT, message: 'the request body is not valid JSON' };
  }
  if (typeof bodyParserType === 'string' && bodyParserType.startsWith('encoding.')) {
    return { code: ErrorCode.INVALID_INPUT, message: 'the request body encoding is not supported' };
  }
  return toErrorBody(error);
}

/** Last middleware: `{ error: { code, message } }` with the status of the code. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  const body = httpErrorBody(error);
  if (body.code === ErrorCode.INTERNAL) console.error('liveshop: request failed', error);
  else debug('%s: %s', body.code, body.message);
  if (res.headersSent) return next(error);
  res.status(httpStatusOf[body.code]).json({ error: body });
};

/** `NOT_FOUND` as JSON for unknown API routes (static files keep express's own 404 page). */
export const apiNotFound: RequestHandler = (req) => {
  throw new LiveshopError(ErrorCode.NOT_FOUND, `no route ${req.method} ${req.originalUrl.split('?')[0]}`);
};
