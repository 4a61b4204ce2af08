import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorBody, StripeTestAccount, type ApiAnswer } from './account.js';

export const SECRET_KEY = 'sk_test_liveshop0123456789';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters (GET) in the order sent. */
  query: [string, string][];
  /** Form-encoded body parameters (POST) in the order sent. */
  form: [string, string][];
  idempotencyKey: string | undefined;
  headers: IncomingMessage['headers'];
  /** The answer was a replay of an earlier request with the same idempotency key. */
  replayed: boolean;
}

interface StoredAnswer extends ApiAnswer {
  method: string;
  path: string;
  body: Record<string, unknown>;
  rawBody: string;
}

/** What the next request gets instead of its normal answer. */
type Fault =
  | { kind: 'answer'; status: number; body: Record<string, unknown>; headers?: Record<string, string> }
  | { kind: 'drop-response' };

/**
 * A local stand-in for api.stripe.com: a real HTTP server on a random port that checks the
 * secret key, answers through {@link StripeTestAccount}, and honours `Idempotency-Key` as Stripe
 * does: a repeated key replays the stored status and body (with `Idempotent-Replayed: true`), the
 * same key with another method, path or body is a 400 `idempotency_error`, and a key whose first
 * request is still running is a 409 `idempotency_key_in_use`.
 */
export class StripeApiServer {
  readonly account = new StripeTestAccount();
  readonly requests: RecordedRequest[] = [];
  /** Delay before each answer, so that concurrent requests overlap. */
  latencyMs = 0;
  private readonly stored = new Map<string, StoredAnswer>();
  private readonly running = new Set<string>();
  private readonly faults: Fault[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.serve(request, response).catch((error: Error) => {
        response.statusCode = 500;
        response.end(JSON.stringify(errorBody({ type: 'api_error', message: error.message })));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next request is answered with this status and body without reaching the account. */
  failNext(status: number, error: Record<string, unknown>, headers?: Record<string, string>): void {
    this.faults.push({ kind: 'answer', status, body: errorBody(error), headers });
  }

  /** The next request is carried out and stored, then its connection is cut before the answer. */
  dropNextResponse(): void {
    this.faults.push({ kind: 'drop-response' });
  }

  /** Stripe prunes idempotency keys after 24 hours; this prunes them now. */
  forgetIdempotencyKeys(): void {
    this.stored.clear();
  }

  /** The requests to one path prefix, e.g. `POST /v1/payment_intents`. */
  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((each) => each.method === method && each.path.startsWith(pathPrefix));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://stripe.test');
    const method = request.method ?? 'GET';
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: [...url.searchParams],
      form: [...new URLSearchParams(rawBody)],
      idempotencyKey,
      headers: request.headers,
      replayed: false,
    };
    this.requests.push(record);
    const send = (answer: ApiAnswer, headers: Record<string, string> = {}) => {
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(7).toString('hex')}`,
        'stripe-version': String(request.headers['stripe-version'] ?? ''),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...headers,
      });
      response.end(JSON.stringify(answer.body));
    };

    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (request.headers.authorization !== `Bearer ${SECRET_KEY}`) {
      return send({
        status: 401,
        body: errorBody({ type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' }),
      });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'answer') return send(fault, fault.headers);

    const params = method === 'GET' ? url.searchParams : new URLSearchParams(rawBody);
    const finish = (answer: ApiAnswer) => {
      // The work is done (and stored under the key) but the client never hears of it.
      if (fault?.kind === 'drop-response') response.socket?.destroy();
      else send(answer);
    };
    if (method !== 'POST' || !idempotencyKey) return finish(this.account.handle(method, url.pathname, params));

    const earlier = this.stored.get(idempotencyKey);
    if (earlier) {
      if (earlier.method !== method || earlier.path !== url.pathname || earlier.rawBody !== rawBody) {
        return send({
          status: 400,
          body: errorBody({
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        });
      }
      record.replayed = true;
      if (fault?.kind === 'drop-response') return void response.socket?.destroy();
      return send(earlier, { 'idempotent-replayed': 'true' });
    }
    if (this.running.has(idempotencyKey)) {
      return send({
        status: 409,
        body: errorBody({
          type: 'invalid_request_error',
          code: 'idempotency_key_in_use',
          message:
            'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ' +
            `${idempotencyKey}. Please try again later.`,
        }),
      });
    }
    this.running.add(idempotencyKey);
    try {
      // The endpoint runs for a while, as a card authorization does, while the key is held.
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const answer = this.account.handle(method, url.pathname, params);
      this.stored.set(idempotencyKey, { ...answer, method, path: url.pathname, rawBody });
      finish(answer);
    } finally {
      this.running.delete(idempotencyKey);
    }
  }
}
