import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { demoPublicDir } from '@liveshop/demo';
import { InventoryStore } from '@liveshop/inventory';
import {
  createShopifyInventoryClient,
  createSquareInventoryClient,
  type PosInventoryClient,
  type PosProvider,
} from '@liveshop/pos';
import createDebug from 'debug';
import { ShopperSessions } from './auth/shopper-session.js';
import { sharedSigningSecret } from './auth/signing-secret.js';
import { Signer } from './auth/signing.js';
import { StaffTokens } from './auth/staff-token.js';
import { EventRepository } from './catalog/event-repository.js';
import { EventService } from './catalog/event-service.js';
import { PinStore } from './catalog/pin-store.js';
import { redactUrl, resolveOptions, type ServerOptions } from './config/options.js';
import { openSqlStore } from './db/open.js';
import type { SqlStore } from './db/sql-store.js';
import { startDemoStream } from './demo/demo-assets.js';
import { seedDemo } from './demo/seed-demo.js';
import { createApp, createMonitoringApp } from './http/app.js';
import { widgetBundleDir, type StaticDirs } from './http/static-assets.js';
import { ServerMetrics } from './metrics/metrics.js';
import { RateLimits } from './rate-limits.js';
import { ChatStore } from './realtime/chat-store.js';
import { EventRooms } from './realtime/event-rooms.js';
import { registerShopNamespace } from './realtime/shop-namespace.js';
import { createSocketServer } from './realtime/socket-server.js';
import { registerStaffNamespaces } from './realtime/staff-namespaces.js';
import { RedisAvailability } from './redis-availability.js';
import { closeRedis, connectRedis, duplicateForReads, warnUnlessNoEviction } from './redis-connection.js';
import { PosDrift } from './pos/pos-drift.js';
import { PosInbound } from './pos/pos-inbound.js';
import { PosOutbox } from './pos/pos-outbox.js';
import { PosRepository } from './pos/pos-repository.js';
import { HoldSweeper } from './workers/hold-sweeper.js';
import { RedisReconciler } from './workers/redis-reconciler.js';
import { StockFanout } from './workers/stock-fanout.js';

const debug = createDebug('liveshop:server');

/** A started server. */
export interface RunningServer {
  /** `http://<host>:<port>` to reach it (127.0.0.1 when listening on every interface). */
  url: string;
  port: number;
  inventory: InventoryStore;
  /** The admin key in effect (the demo default when none was configured), if any. */
  adminKey: string | undefined;
  /** `http://<host>:<port>` of the separate monitoring port, when `metricsPort` is set. */
  metricsUrl?: string;
  /** Stops accepting connections, stops the workers, closes sockets, Redis and the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the Liveshop server: connects Redis and the database (migrating it), restores event
 * configuration in Redis, seeds the demo when asked, and listens with express and socket.io on one
 * HTTP server. Rejects with a message naming the unreachable dependency when Redis or PostgreSQL
 * does not answer.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveOptions(options);
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error) => debug('cleanup: %s', error));
  };

  try {
    const redis = await connectRedis(config.redisUrl);
    cleanups.push(() => closeRedis(redis));
    const availability = new RedisAvailability(redis, config.redisUrl);
    cleanups.push(async () => availability.stop());
    await warnUnlessNoEviction(redis, config.redisUrl);
    const db: SqlStore = await openSqlStore(config);
    cleanups.push(() => db.close());

    const inventory = new InventoryStore(redis, { prefix: config.keyPrefix });
    const keys = inventory.keys;
    const signer = new Signer(config.sessionSecret ?? (await sharedSigningSecret(db)));
    const sessions = new ShopperSessions(signer);
    const staffTokens = new StaffTokens(signer);
    const metrics = new ServerMetrics();
    const repository = new EventRepository(db);
    const events = new EventService(repository, inventory, new PinStore(redis, keys));
    const posRepository = new PosRepository(db);
    const posInbound = new PosInbound(posRepository, inventory, metrics, config);
    const posClients = posClientsOf(config);
    events.onPosStockNeeded = async (eventId) => {
      posInbound.forgetLookups();
      const event = await repository.get(eventId);
      if (event?.inventory) await posInbound.replay(eventId, event);
    };
    const posDrift = new PosDrift({
      events: repository,
      repository: posRepository,
      inventory,
      inbound: posInbound,
      clients: posClients,
    });
    // Before anything is served: what Redis lost while no process watched is back first.
    const reconciler = new RedisReconciler({ redis, events, keys, metrics });
    await reconciler.reconcileNow();
    reconciler.start();
    cleanups.push(() => reconciler.stop());
    availability.onUp(() => reconciler.trigger());

    const staticDirs: StaticDirs = { widget: widgetBundleDir() };
    if (config.demo) {
      await seedDemo(events, posRepository);
      staticDirs.demoPublic = demoPublicDir;
      staticDirs.stream = config.streamDir ?? path.resolve(config.dataDir, 'stream');
      if (config.demoStream) {
        const stream = await startDemoStream(staticDirs.stream);
        if (stream) cleanups.push(() => stream.stop());
      }
    }

    const limits = new RateLimits(redis, keys, config, metrics);
    const app = createApp({
      redis,
      db,
      metrics,
      events,
      limits,
      staffTokens,
      adminKey: config.adminKey,
      metricsKey: config.metricsKey,
      metricsElsewhere: config.metricsPort !== undefined,
      allowedOrigins: config.allowedOrigins,
      staticDirs,
      pos: { inbound: posInbound, repository: posRepository, drift: posDrift },
    });
    if (!config.adminKey) console.warn('liveshop: the admin API is off; set LIVESHOP_ADMIN_KEY to turn it on');
    const httpServer = createServer(app);
    const adapterRedis = duplicateForReads(redis);
    cleanups.push(() => closeRedis(adapterRedis));
    const sockets = createSocketServer(httpServer, { adapterRedis, keys, allowedOrigins: config.allowedOrigins });
    const rooms = new EventRooms(sockets.all);
    events.notifier = {
      status: (eventId, status) => rooms.emit(eventId, 'status', { eventId, status }),
      pinned: (eventId, skus) => rooms.emit(eventId, 'pinned', { eventId, skus }),
    };
    metrics.socketCounts = () => ({
      '/shop': sockets.shop.sockets.size,
      '/host': sockets.host.sockets.size,
      '/moderator': sockets.moderator.sockets.size,
    });

    // The fan-out serves this process's viewers, so it runs whatever `workers` says.
    const fanout = new StockFanout(redis, inventory.keys, rooms, metrics, config.stockIntervalMs);
    fanout.start();
    cleanups.push(() => fanout.stop());
    if (config.workers) {
      const nodeId = randomBytes(6).toString('hex');
      const sweeper = new HoldSweeper({ redis, inventory, repository, keys, metrics, nodeId });
      sweeper.start();
      cleanups.push(() => sweeper.stop());
      const outbox = new PosOutbox(
        { redis, keys, inventory, repository: posRepository, db, metrics, clients: posClients, nodeId },
        { maxAttempts: config.posSyncMaxAttempts, backoffMs: config.posSyncBackoffMs },
      );
      outbox.start();
      cleanups.push(() => outbox.stop());
      events.onCatalogChange = () => {
        sweeper.refresh();
        outbox.refresh();
      };
    }

    const ctx = {
      inventory,
      events,
      chat: new ChatStore(redis, keys, config.chatHistory),
      rooms,
      limits,
      metrics,
      sessions,
      staffTokens,
      fanout,
    };
    registerShopNamespace(sockets.shop, ctx);
    registerStaffNamespaces({ host: sockets.host, moderator: sockets.moderator }, ctx);

    cleanups.push(() => closeSockets(sockets.io, httpServer));
    const port = await listen(httpServer, config.port, config.host);
    debug('listening on %s:%d (Redis %s, %s)', config.host, port, redactUrl(config.redisUrl), db.kind);
    let metricsUrl: string | undefined;
    if (config.metricsPort !== undefined) {
      const monitoring = createServer(createMonitoringApp({ redis, db, metrics, metricsKey: config.metricsKey }));
      cleanups.push(() => closeHttpServer(monitoring));
      metricsUrl = urlOf(config.host, await listen(monitoring, config.metricsPort, config.host));
    }

    let closing: Promise<void> | undefined;
    return {
      url: urlOf(config.host, port),
      port,
      inventory,
      adminKey: config.adminKey,
      metricsUrl,
      close: () => (closing ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The POS clients live sales adjust: each provider whose credentials are configured. */
function posClientsOf(config: ReturnType<typeof resolveOptions>): Map<PosProvider, PosInventoryClient> {
  const clients = new Map<PosProvider, PosInventoryClient>();
  if (config.shopifyShopDomain && config.shopifyAdminToken) {
    clients.set(
      'shopify',
      createShopifyInventoryClient({
        shopDomain: config.shopifyShopDomain,
        accessToken: config.shopifyAdminToken,
        timeoutMs: config.posSyncTimeoutMs,
        ...(config.shopifyApiUrl ? { apiUrl: config.shopifyApiUrl } : {}),
      }),
    );
  }
  if (config.squareAccessToken) {
    clients.set(
      'square',
      createSquareInventoryClient({
        accessToken: config.squareAccessToken,
        timeoutMs: config.posSyncTimeoutMs,
        ...(config.squareApiUrl ? { apiUrl: config.squareApiUrl } : {}),
      }),
    );
  }
  return clients;
}

/** `http://<host>:<port>` to reach a listener (127.0.0.1 when it listens on every interface). */
function urlOf(host: string, port: number): string {
  const reachable = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function closeHttpServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Disconnects every socket and closes the HTTP server, including idle keep-alive connections. */
async function closeSockets(io: { close(fn?: (error?: Error) => void): Promise<void> }, server: HttpServer) {
  const closed = io.close();
  server.closeAllConnections();
  await closed;
}
