import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { NAMESPACES } from '@liveshop/protocol';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { RedisClient } from '../redis-connection.js';
import { Server } from 'socket.io';
import type { KeyBuilder } from '@liveshop/inventory';
import type { AnyNamespace, HostNamespace, LiveshopServer, ModeratorNamespace, ShopNamespace } from './types.js';

/** socket.io frames larger than this close the connection; the largest request (a chat line) is ~1 KB. */
const MAX_MESSAGE_BYTES = 16 * 1024;

export interface SocketServer {
  io: LiveshopServer;
  shop: ShopNamespace;
  host: HostNamespace;
  moderator: ModeratorNamespace;
  all: AnyNamespace[];
}

/**
 * socket.io on the HTTP server, with the Redis Streams adapter (broadcasts reach every process;
 * it survives Redis reconnects) and an optional Origin allowlist checked on every handshake,
 * WebSocket included (CORS alone does not cover WebSocket upgrades).
 */
export function createSocketServer(
  httpServer: HttpServer,
  options: { adapterRedis: RedisClient; keys: KeyBuilder; allowedOrigins: string[]; websocketOnly?: boolean },
): SocketServer {
  const allowed = new Set(options.allowedOrigins);
  const io: LiveshopServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    ...(options.websocketOnly ? { transports: ['websocket' as const] } : {}),
    serveClient: false,
    allowRequest: (req, callback) => callback(null, originAllowed(req, allowed)),
    adapter: createAdapter(options.adapterRedis, {
      streamName: options.keys.adapterStream(),
      channelPrefix: options.keys.adapterStream(),
      sessionKeyPrefix: `${options.keys.adapterStream()}:session:`,
      // Short blocking reads so closing the server does not wait long for the adapter's reader.
      blockTimeInMs: 1_000,
      onlyPlaintext: true,
    }),
  });
  if (!options.websocketOnly) io.engine.use(pollingCors(allowed));
  const shop = io.of(NAMESPACES.shop) as unknown as ShopNamespace;
  const host = io.of(NAMESPACES.host) as unknown as HostNamespace;
  const moderator = io.of(NAMESPACES.moderator) as unknown as ModeratorNamespace;
  return { io, shop, host, moderator, all: [shop, host, moderator] as unknown as AnyNamespace[] };
}

/**
 * CORS for the HTTP long-polling transport, the one cross-origin XHR of socket.io. WebSocket
 * upgrades skip it: browsers apply no CORS to WebSockets (the Origin allowlist in `allowRequest`
 * guards them), and in a join storm the CORS headers were 2 % of the server's time, computed for
 * a response that the upgrade never sends. With `websocketOnly` there is no polling and no CORS.
 */
function pollingCors(allowed: Set<string>) {
  const handler = cors({ origin: allowed.size === 0 ? true : [...allowed] });
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (req.headers.upgrade) next();
    else handler(req, res, next);
  };
}

/**
 * No allowlist: any origin. With one: listed origins, this server's own origin, and clients that
 * send no Origin at all (native apps, load generators), which browsers never omit.
 */
function originAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const origin = req.headers.origin;
  if (allowed.size === 0 || !origin || allowed.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
