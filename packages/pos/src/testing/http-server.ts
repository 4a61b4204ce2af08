import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A scripted answer taking the place of the next real one. */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** The request is handled for real, but the answer is held back this long (a lost answer). */
  | { kind: 'slow'; delayMs: number };

export type JsonHandler = (request: RecordedRequest) => {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
};

/**
 * A local JSON API on 127.0.0.1 that records every request, answers through `handler`, and can be
 * told to fail the next calls (`faults`) or to go down and come back on the same port.
 */
export class JsonApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly handler: JsonHandler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on(
        'end',
        () =>
          void this.answer(
            { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: parse(chunks) },
            res,
          ),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops answering: connections are refused until {@link start} runs again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: RecordedRequest, res: ServerResponse): Promise<void> {
    this.requests.push(request);
    const fault = this.faults.shift();
    if (fault?.kind === 'status') return send(res, fault.status, fault.body ?? {}, fault.headers);
    const reply = this.handler(request);
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (!res.destroyed) send(res, reply.status, reply.body, reply.headers);
  }
}

function parse(chunks: Buffer[]): unknown {
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
