import { SquareClient, SquareEnvironment } from 'square';

export interface SquareApiConfig {
  /** An access token (`SQUARE_ACCESS_TOKEN`), sent as `Authorization: Bearer`. */
  accessToken: string;
  /** Square's sandbox instead of production. */
  sandbox?: boolean;
  /** A base URL that replaces Square's (`SQUARE_API_URL`), e.g. a local test server. */
  apiUrl?: string;
  /** Per call, including reading the answer. Default 10 s. */
  timeoutMs?: number;
}

export interface SquareApi {
  client: SquareClient;
  /**
   * Options for one call: its own deadline. The SDK's `timeoutInSeconds` aborts Node's fetch with
   * a bare string, which the SDK then reports as an unknown error, so the deadline is an abort
   * signal of ours and a call aborted by it is known to have timed out.
   */
  callOptions(): { abortSignal: AbortSignal };
  timeoutMs: number;
}

/**
 * The official client, with its own retries off: the outbox decides when to retry, so every
 * failure comes back at once. The SDK sends the `Square-Version` it was generated for.
 */
export function createSquareApi(config: SquareApiConfig): SquareApi {
  const timeoutMs = config.timeoutMs ?? 10_000;
  const client = new SquareClient({
    token: config.accessToken,
    environment: config.sandbox ? SquareEnvironment.Sandbox : SquareEnvironment.Production,
    ...(config.apiUrl ? { baseUrl: config.apiUrl.replace(/\/+$/, '') } : {}),
    maxRetries: 0,
  });
  return { client, timeoutMs, callOptions: () => ({ abortSignal: AbortSignal.timeout(timeoutMs) }) };
}
