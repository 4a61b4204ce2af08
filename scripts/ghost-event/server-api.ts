/**
 * The HTTP calls the ghost event makes to the server under test: the public event snapshot and
 * the admin routes that create, stock, start and end its throw-away event. A refusal becomes a
 * {@link ServerApiError} carrying the server's error code and a sentence a merchant can act on.
 */
import type { CreateEventBody, ErrorBody, EventSnapshot, ProductView } from '@liveshop/protocol';

/** A product as the snapshot shows it; `held`/`sold` only where the server reports them. */
export type SnapshotProduct = ProductView & { held?: number; sold?: number };
export type Snapshot = Omit<EventSnapshot, 'products'> & { products: SnapshotProduct[] };

export class ServerApiError extends Error {
  override readonly name = 'ServerApiError';
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const HTTP_TIMEOUT_MS = 15_000;

export class ServerApi {
  constructor(
    readonly url: string,
    private readonly adminKey?: string,
  ) {}

  snapshot(eventId: string): Promise<Snapshot> {
    return this.request('GET', `/api/events/${encodeURIComponent(eventId)}`) as Promise<Snapshot>;
  }

  async createEvent(body: CreateEventBody): Promise<void> {
    await this.request('POST', '/api/admin/events', body);
  }

  async setStock(eventId: string, items: { sku: string; quantity: number }[]): Promise<void> {
    await this.request('PUT', `/api/admin/events/${encodeURIComponent(eventId)}/stock`, { items });
  }

  async setStatus(eventId: string, status: 'live' | 'ended'): Promise<void> {
    await this.request('POST', `/api/admin/events/${encodeURIComponent(eventId)}/status`, { status });
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const admin = path.startsWith('/api/admin/');
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(admin && this.adminKey && { authorization: `Bearer ${this.adminKey}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ServerApiError(`cannot reach the server at ${this.url} (${method} ${path}: ${reason})`, 'UNREACHABLE');
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed;
    const error = (parsed as { error?: ErrorBody } | undefined)?.error;
    const code = error?.code ?? `HTTP_${response.status}`;
    const detail = error?.message ?? text.slice(0, 200);
    if (response.status === 401 && admin) {
      throw new ServerApiError(
        `the server refused the admin key (${method} ${path} → 401 ${code}: ${detail}). Pass the server's ` +
          'LIVESHOP_ADMIN_KEY with --admin-key; a server started without an admin key has its admin API off.',
        code,
        401,
      );
    }
    if (response.status === 429) {
      throw new ServerApiError(`${method} ${path} → 429 ${code}: ${detail}. ${RATE_LIMIT_HINT}`, code, 429);
    }
    throw new ServerApiError(`${method} ${path} → ${response.status} ${code}: ${detail}`, code, response.status);
  }
}

/** What to do about `RATE_LIMITED` answers to a load test run from one machine. */
export const RATE_LIMIT_HINT =
  'Every simulated shopper comes from this machine, so they all share one IP address and the ' +
  "server's per-IP limits refuse them. Restart the server with LIVESHOP_IP_RATE_LIMIT=0 for the " +
  'ghost event (and back to its normal value for the real drop).';
