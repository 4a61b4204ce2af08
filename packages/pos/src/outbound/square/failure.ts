import { SquareError, SquareTimeoutError } from 'square';
import { retryAfterMs, syncFailure, type SyncFailure } from '../result.js';

/**
 * A Square SDK error as a typed failure. Square answers errors as `{errors:[{category, code,
 * detail, field}]}`: 429 and 5xx are retryable, `IDEMPOTENCY_KEY_REUSED` is a key used for other
 * changes, 401/403 a token problem, any other 4xx a request Square refuses. An answer the SDK cannot
 * read (an HTML error page from a proxy) loses its status in the SDK and counts as `network`.
 */
export function squareFailure(error: unknown, signal: AbortSignal, timeoutMs: number): SyncFailure {
  if (error instanceof SquareTimeoutError || signal.aborted)
    return syncFailure('square', 'timeout', `no answer within ${timeoutMs} ms`);
  if (!(error instanceof SquareError))
    return syncFailure('square', 'network', error instanceof Error ? error.message : String(error));
  const status = error.statusCode;
  if (status === undefined) return syncFailure('square', 'network', firstLine(error.message));
  const codes = error.errors.map((entry) => String(entry.code));
  const detail = error.errors
    .map((entry) => [entry.code, entry.detail, entry.field].filter(Boolean).join(' '))
    .join('; ');
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const extra = { httpStatus: status, posErrorCodes: codes };
  if (status === 429) {
    return syncFailure('square', 'rate_limited', message, {
      ...extra,
      retryAfterMs: retryAfterMs(error.rawResponse?.headers.get('retry-after')),
    });
  }
  if (status >= 500 || status === 408) return syncFailure('square', 'server_error', message, extra);
  if (codes.includes('IDEMPOTENCY_KEY_REUSED')) return syncFailure('square', 'idempotency_conflict', message, extra);
  if (status === 401 || status === 403) return syncFailure('square', 'unauthorized', message, extra);
  return syncFailure('square', 'rejected', message, extra);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
