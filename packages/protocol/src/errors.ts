/**
 * The one list of error codes a Liveshop client can receive, over HTTP or socket.io.
 * Every failure the server reports is `{ code, message }` with `code` from this list.
 */
export const ErrorCode = {
  SOLD_OUT: 'SOLD_OUT',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  INVALID_INPUT: 'INVALID_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  HOLD_EXPIRED: 'HOLD_EXPIRED',
  HOLD_NOT_FOUND: 'HOLD_NOT_FOUND',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  ALLOCATION_BELOW_COMMITTED: 'ALLOCATION_BELOW_COMMITTED',
  EVENT_NOT_LIVE: 'EVENT_NOT_LIVE',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** The card's issuer said no (`reason` says why); nothing was charged, the holds are kept. */
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  /** The payment got no decision (a processor error, the provider unreachable); nothing was charged. */
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  /** The shop has no payment provider configured: nothing can be bought, nothing was charged. */
  PAYMENT_UNAVAILABLE: 'PAYMENT_UNAVAILABLE',
  /** A pickup location that does not have the units (or does not offer pickup). */
  NOT_AVAILABLE_AT_LOCATION: 'NOT_AVAILABLE_AT_LOCATION',
  /** A drop's product before its `startsAt`. */
  NOT_ON_SALE: 'NOT_ON_SALE',
  /** A moderator banned this shopper from the event: no chat, no reserve. */
  BANNED: 'BANNED',
  /** A moderator muted this shopper's chat for a while. */
  MUTED: 'MUTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level detail for `INVALID_INPUT` (path → message). */
  issues?: { path: string; message: string }[];
  /**
   * `PAYMENT_DECLINED`: why, as the provider reports it (`card_declined`, `insufficient_funds`,
   * `expired_card`, `incorrect_cvc`, `incorrect_number`, `authentication_required`,
   * `card_not_supported`, `currency_not_supported`), for a client to put in its own words.
   */
  reason?: string;
}

/** The HTTP status each code is sent with. */
export const httpStatusOf: Record<ErrorCode, number> = {
  SOLD_OUT: 409,
  LIMIT_EXCEEDED: 409,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  HOLD_EXPIRED: 410,
  HOLD_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  ALLOCATION_BELOW_COMMITTED: 409,
  EVENT_NOT_LIVE: 409,
  RATE_LIMITED: 429,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  PAYMENT_DECLINED: 402,
  PAYMENT_FAILED: 502,
  PAYMENT_UNAVAILABLE: 503,
  NOT_AVAILABLE_AT_LOCATION: 409,
  NOT_ON_SALE: 409,
  BANNED: 403,
  MUTED: 403,
};

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ErrorCode, value);

/** An error carrying a wire code; thrown inside the server, serialised as {@link ErrorBody}. */
export class LiveshopError extends Error {
  override readonly name = 'LiveshopError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
    readonly reason?: string,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.issues) body.issues = this.issues;
    if (this.reason !== undefined) body.reason = this.reason;
    return body;
  }
}
