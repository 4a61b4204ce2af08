import type { PosCount, PosProvider } from '../types.js';

/**
 * Why a call to a POS failed. Retryable: `timeout`, `network`, `rate_limited`, `server_error`
 * (the same call with the same idempotency key may succeed later). Permanent: `unauthorized`,
 * `rejected` (the POS refused the request: unknown item, invalid field), `stale_quantity` (a
 * `changeFromQuantity` no longer matches), `idempotency_conflict` (the key was used for other
 * changes), `invalid_request` (refused here before sending), `unexpected_response`.
 */
export const SyncErrorCode = {
  timeout: 'timeout',
  network: 'network',
  rate_limited: 'rate_limited',
  server_error: 'server_error',
  unauthorized: 'unauthorized',
  rejected: 'rejected',
  stale_quantity: 'stale_quantity',
  idempotency_conflict: 'idempotency_conflict',
  invalid_request: 'invalid_request',
  unexpected_response: 'unexpected_response',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

const RETRYABLE = new Set<SyncErrorCode>(['timeout', 'network', 'rate_limited', 'server_error']);

export interface SyncFailure {
  ok: false;
  provider: PosProvider;
  code: SyncErrorCode;
  /** Retry later (with backoff, and no sooner than `retryAfterMs`), or dead-letter. */
  retryable: boolean;
  message: string;
  /** How long the POS asked to wait (HTTP `Retry-After`, Shopify's throttle restore time). */
  retryAfterMs?: number;
  httpStatus?: number;
  /** The POS's own error codes, e.g. `ITEM_NOT_STOCKED_AT_LOCATION`, `INVALID_VALUE`. */
  posErrorCodes?: string[];
}

export interface AdjustmentApplied {
  ok: true;
  provider: PosProvider;
  idempotencyKey: string;
  /** Counts after the adjustment where the POS reports them (the quantity it now holds). */
  after: PosCount[];
}

export type AdjustmentResult = AdjustmentApplied | SyncFailure;

export type CountsResult = { ok: true; provider: PosProvider; counts: PosCount[] } | SyncFailure;

export function syncFailure(
  provider: PosProvider,
  code: SyncErrorCode,
  message: string,
  extra: Pick<SyncFailure, 'retryAfterMs' | 'httpStatus' | 'posErrorCodes'> = {},
): SyncFailure {
  const failure: SyncFailure = { ok: false, provider, code, retryable: RETRYABLE.has(code), message };
  if (extra.retryAfterMs !== undefined) failure.retryAfterMs = extra.retryAfterMs;
  if (extra.httpStatus !== undefined) failure.httpStatus = extra.httpStatus;
  if (extra.posErrorCodes !== undefined && extra.posErrorCodes.length > 0) failure.posErrorCodes = extra.posErrorCodes;
  return failure;
}

/** Milliseconds an HTTP `Retry-After` asks for (seconds, Shopify's "2.0", or an HTTP date), capped at an hour. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Math.round(Number(trimmed) * 1000) : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), 3_600_000);
}
