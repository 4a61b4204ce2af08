import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { demoPublicDir } from '@liveshop/demo';
import { InventoryStore } from '@liveshop/inventory';
import { installTestProviderSchema, PaymentProviders, type PaymentProvidersOptions } from '@liveshop/payments';
import { POS_PROVIDERS } from '@liveshop/protocol';
import {
  createShopifyInventoryClient,
  createSquareInventoryClient,
  type PosInventoryClient,
  type PosProvider,
} from '@liveshop/pos';
import createDebug from 'debug';
import { Analytics, AnalyticsOff, type AnalyticsRecording } from './analytics/analytics.js';
import { CustomerResolver } from './analytics/customer-resolver.js';
import { HoldCounts } from './analytics/hold-counts.js';
import { EventReport } from './analytics/event-report.js';
import { ShopperSessions } from './auth/shopper-session.js';
import { sharedSigningSecret } from './auth/signing-secret.js';
import { Signer } from './auth/signing.js';
import { StaffTokenRegistry } from './auth/staff-token-registry.js';
import { StaffTokens } from './auth/staff-token.js';
import { Anomalies } from './anomalies/anomalies.js';
import { AnomalyStore } from './anomalies/anomaly-store.js';
import { PosSignals } from './anomalies/pos-signals.js';
import { DropStore } from './catalog/drop-store.js';
import { FiguresService } from './figures/figures-service.js';
import { ViewerCounts } from './figures/viewer-counts.js';
import { ModerationService, restoreBans } from './moderation/moderation-service.js';
import { ModerationStore } from './moderation/moderation-store.js';
import type { TokenSockets } from './http/admin-router.js';
import { EventRepository } from './catalog/event-repository.js';
import { EventService } from './catalog/event-service.js';
import { PinStore } from './catalog/pin-store.js';
import { redactUrl, resolveOptions, type ServerOptions } from './config/options.js';
import { openSqlStore } from './db/open.js';
import type { SqlStore } from './db/sql-store.js';
import { startDemoStream } from './demo/demo-assets.js';
import { DEMO_EVENT } from './demo/demo-event.js';
import { seedDemo } from './demo/seed-demo.js';
import { createApp, createMonitoringApp } from './http/app.js';
import { consolePagesDir, widgetBundleDir, type StaticDirs } from './http/static-assets.js';
import { ServerMetrics } from './metrics/metrics.js';
import { CheckoutService } from './orders/checkout-service.js';
import { LocationRepository } from './orders/location-repository.js';
import { OrderReconciler, type SettleReport } from './orders/order-reconciler.js';
import { OrderRepository } from './orders/order-repository.js';
import { RefundService } from './orders/refund-service.js';
import { RateLimits } from './rate-limits.js';
import { ChatStore } from './realtime/chat-store.js';
import { EventRooms } from './realtime/event-rooms.js';
import { registerShopNamespace } from './realtime/shop-namespace.js';
import { createSocketServer } from './realtime/socket-server.js';
import { disconnectToken, registerStaffNamespaces } from './realtime/staff-namespaces.js';
import { shopperRoom } from './realtime/shop-namespace.js';
import { AnomalyDetector } from './workers/anomaly-detector.js';
import { FiguresPublisher } from './workers/figures-publisher.js';
import { RedisAvailability } from './redis-availability.js';
import { closeRedis, connectRedis, duplicateForReads, warnUnlessNoEviction } from './redis-connection.js';
import { PosDrift } from './pos/pos-drift.js';
import { PosInbound } from './pos/pos-inbound.js';
import { PosOutbox } from './pos/pos-outbox.js';
import { PosOutboxRows } from './pos/pos-outbox-rows.js';
import { PosRepository } from './pos/pos-repository.js';
import { HoldSweeper } from './workers/hold-sweeper.js';
import { PosReconcileSchedule } from './workers/pos-reconcile-schedule.js';
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
  /** The anomaly signal API (`raise`), for sources outside the ledger. */
  anomalies: Anomalies;
  /** Analytics of this process: `flush()` writes what it recorded so far. */
  analytics: AnalyticsRecording;
  /** The POS rules' typed signals, for the webhook routes and the sync outbox. */
  posSignals: PosSignals;
  /** The anomaly detector of this process (running only while it holds the lock), when workers run here. */
  detector?: AnomalyDetector;
  /** Issues a staff token and records it (as `POST /api/admin/tokens` does), e.g. for the demo's console links. */
  issueStaffToken(role: 'host' | 'moderator', eventId: string): Promise<{ token: string; id: string }>;
  /** With the demo on: a line per console with a ready sign-in link to the demo event (fresh tokens); none otherwise. */
  demoConsoleLinks(): Promise<string[]>;
  /** `http://<host>:<port>` of the separate monitoring port, when `metricsPort` is set. */
  metricsUrl?: string;
  /** Runs one pass of the order reconciler now (it also runs at start and every interval, with `workers`). */
  settleOrders(): Promise<SettleReport>;
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
    const tokenRegistry = new StaffTokenRegistry(db);
    const metrics = new ServerMetrics();
    const nodeId = randomBytes(6).toString('hex');
    const repository = new EventRepository(db);
    const orders = new OrderRepository(db);
    const locations = new LocationRepository(db);
    const events = new EventService(repository, inventory, new PinStore(redis, keys), orders, new DropStore(db));
    const anomalies = new Anomalies(new AnomalyStore(db), metrics);
    const posSignals = new PosSignals(anomalies);
    events.allocations = {
      clamped: ({ eventId, sku, requested, kept, held, sold }) =>
        anomalies.report({
          rule: 'allocation_clamped',
          eventId,
          severity: 'warning',
          sku,
          message: `${sku}: allocation ${requested} could not be applied below ${held} held + ${sold} sold; it stays ${kept}`,
          data: { requested, kept, held, sold },
        }),
    };
    const moderationStore = new ModerationStore(db);
    events.onRestored = (eventId) => restoreBans(moderationStore, inventory, eventId);
    const posRepository = new PosRepository(db);
    const identity = new CustomerResolver(db, { defaultCallingCode: config.phoneCallingCode });
    const posInbound = new PosInbound(
      posRepository,
      inventory,
      metrics,
      identity,
      { signals: posSignals, openEventIds: () => repository.listOpen() },
      config,
    );
    const posClients = posClientsOf(config);
    const posOutboxRows = new PosOutboxRows(() => posClients.keys());
    // Each POS incident the webhook routes and the outbox record reaches the moderators as an anomaly
    // of the event it concerns; one that names no event (a forged webhook) concerns every open event.
    // A negative count is raised by the POS signals, per event selling the SKU, as the count is applied.
    posRepository.onIncident = (incident) => {
      if (incident.rule === 'pos_negative_on_hand') return;
      void (async () => {
        const eventIds = incident.eventId ? [incident.eventId] : await repository.listOpen();
        if (incident.rule === 'webhook_bad_signature' && isPosProvider(incident.provider)) {
          // Through the rule's own cooldown: once per provider and event a minute.
          posSignals.badSignature({ eventIds, provider: incident.provider });
          return;
        }
        for (const eventId of eventIds) {
          anomalies.report({
            rule: incident.rule,
            eventId,
            severity: incident.severity,
            ...(incident.sku ? { sku: incident.sku } : {}),
            message: incident.message,
            data: { source: 'pos', provider: incident.provider },
          });
        }
      })().catch((error: unknown) => console.error('liveshop: POS incident not raised:', (error as Error).message));
    };
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
    // Redis answered the connect; should it stall or drop right after, the process still starts
    // (requests are answered UNAVAILABLE meanwhile) and the reconciler's loop tries again.
    await reconciler.reconcileNow().catch((error: Error) => {
      console.warn(`liveshop: reconciling with Redis at start failed (${error.message}); retrying in the background`);
      reconciler.trigger();
    });
    // Reserve results an earlier version kept one key each replay from their new place.
    await inventory.migrateReserveIdempotency().then(
      (moved) => moved > 0 && console.warn(`liveshop: moved ${moved} reserve results to their per-period hashes`),
      (error: Error) =>
        console.warn(
          `liveshop: reserve results not moved (${error.message}); retries of earlier reserves may not replay`,
        ),
    );
    reconciler.start();
    cleanups.push(() => reconciler.stop());
    availability.onUp(() => reconciler.trigger());

    const staticDirs: StaticDirs = { widget: widgetBundleDir(), console: consolePagesDir() };
    if (config.demo) {
      await seedDemo(events, posRepository, locations);
      staticDirs.demoPublic = demoPublicDir;
      staticDirs.stream = config.streamDir ?? path.resolve(config.dataDir, 'stream');
      if (config.demoStream) {
        const stream = await startDemoStream(staticDirs.stream);
        if (stream) cleanups.push(() => stream.stop());
      }
    }

    const paymentOptions: PaymentProvidersOptions = {};
    const testPayments = config.testPayments ?? config.demo;
    if (testPayments) {
      await installTestProviderSchema(db);
      paymentOptions.test = { sql: db, ...(typeof testPayments === 'object' ? testPayments : {}) };
    }
    if (config.stripe) paymentOptions.stripe = config.stripe;
    const payments = new PaymentProviders(paymentOptions);
    if (payments.names.length === 0) {
      console.warn(
        'liveshop: no payment provider is configured, so checkouts answer PAYMENT_UNAVAILABLE; set STRIPE_SECRET_KEY (or LIVESHOP_TEST_PAYMENTS=1 for test cards only)',
      );
    }
    const checkout = new CheckoutService(
      { inventory, events, orders, locations, payments, identity },
      {
        paymentWindowMs: config.checkoutPaymentWindowMs,
        holdCapMs: config.checkoutHoldCapMs,
        faults: config.checkoutFaults,
      },
    );
    const refunds = new RefundService(
      { inventory, orders, payments, checkout, posOutbox: posOutboxRows },
      { faults: config.checkoutFaults },
    );
    const orderReconciler = new OrderReconciler(
      { inventory, orders, payments, checkout, refunds, metrics },
      { intervalMs: config.orderReconcileIntervalMs, refundRetryAfterMs: config.refundRetryAfterMs },
    );
    if (config.workers) {
      // What a crash left pending is settled before new checkouts are taken, then every interval.
      await orderReconciler.settleNow();
      orderReconciler.start();
      cleanups.push(() => orderReconciler.stop());
    }

    const limits = new RateLimits(redis, keys, config, metrics);
    const analytics: AnalyticsRecording = config.analytics
      ? new Analytics({
          db,
          redis,
          keys,
          metrics,
          nodeId,
          stockOf: async (eventId) => (await events.snapshot(eventId)).products,
          visitGapMs: config.analyticsVisitGapMs,
        })
      : new AnalyticsOff();
    if (analytics instanceof Analytics) analytics.start();
    // Closed after the sockets (cleanups run in reverse), so their disconnects are written.
    cleanups.push(() => analytics.close());
    const tokenSockets: TokenSockets = { disconnect: () => undefined };
    const viewers = new ViewerCounts(redis, keys, nodeId);
    const reports = new EventReport({
      db,
      events,
      inventory,
      viewersNow: (eventId) => viewers.total(eventId),
      influenceWindowHours: config.influenceWindowHours,
    });
    const app = createApp({
      redis,
      db,
      metrics,
      events,
      limits,
      staffTokens,
      orders,
      locations,
      checkout,
      refunds,
      inventory,
      tokenRegistry,
      tokenSockets,
      sessions,
      analytics,
      reports,
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
    const sockets = createSocketServer(httpServer, {
      adapterRedis,
      keys,
      allowedOrigins: config.allowedOrigins,
      // Several processes on one port take connections in turn: a polling client's next request
      // could reach another process, so only WebSocket is offered (docs/scaling.md).
      websocketOnly: config.processes > 1,
    });
    const rooms = new EventRooms(sockets.all);
    events.notifier = {
      status: (eventId, status) => rooms.emit(eventId, 'status', { eventId, status }),
      pinned: (eventId, skus) => {
        rooms.emit(eventId, 'pinned', { eventId, skus });
        analytics.pinned(eventId, skus);
      },
      drop: (eventId, sku, startsAt) => rooms.emit(eventId, 'drop', { eventId, sku, startsAt }),
    };
    tokenSockets.disconnect = (tokenId) => disconnectToken(sockets, tokenId);
    anomalies.push = (anomaly) => rooms.emitStaff('moderator', anomaly.eventId, 'anomaly', anomaly);
    posDrift.onReconciled = (report) => rooms.emitStaff('moderator', report.eventId, 'pos:drift', report);
    const chat = new ChatStore(redis, keys, config.chatHistory);
    const moderation = new ModerationService({
      redis,
      keys,
      inventory,
      chat,
      rooms,
      store: moderationStore,
      shopperIps: async (shopperId) => {
        const found = await sockets.shop.in(shopperRoom(shopperId)).fetchSockets();
        return [...new Set(found.map((socket) => socket.data.ip).filter(Boolean))];
      },
    });
    const figures = new FiguresService({ redis, keys, inventory, events, viewers, orders });
    const figuresPublisher = new FiguresPublisher({ rooms, viewers, figures, metrics });
    figuresPublisher.start();
    cleanups.push(() => figuresPublisher.stop());
    metrics.socketCounts = () => ({
      '/shop': sockets.shop.sockets.size,
      '/host': sockets.host.sockets.size,
      '/moderator': sockets.moderator.sockets.size,
    });

    // The fan-out serves this process's viewers, so it runs whatever `workers` says.
    const fanout = new StockFanout(redis, inventory.keys, rooms, metrics, config.stockIntervalMs);
    fanout.start();
    cleanups.push(() => fanout.stop());
    let detector: AnomalyDetector | undefined;
    if (config.workers) {
      const sweeper = new HoldSweeper({ redis, inventory, repository, keys, metrics, nodeId });
      sweeper.start();
      cleanups.push(() => sweeper.stop());
      detector = new AnomalyDetector({
        redis,
        keys,
        repository,
        anomalies,
        metrics,
        nodeId,
        holds: new HoldCounts(db),
      });
      detector.start();
      cleanups.push(() => detector!.stop());
      const outbox = new PosOutbox(
        {
          redis,
          keys,
          inventory,
          repository: posRepository,
          db,
          metrics,
          clients: posClients,
          nodeId,
          signals: posSignals,
          rows: posOutboxRows,
        },
        { maxAttempts: config.posSyncMaxAttempts, backoffMs: config.posSyncBackoffMs },
      );
      outbox.start();
      cleanups.push(() => outbox.stop());
      if (posClients.size > 0) {
        const schedule = new PosReconcileSchedule(
          {
            redis,
            keys,
            drift: posDrift,
            posEvents: () => posRepository.openPosEvents(),
            metrics,
            nodeId,
          },
          config.posReconcileIntervalMs,
        );
        schedule.start();
        cleanups.push(() => schedule.stop());
      }
      events.onCatalogChange = () => {
        sweeper.refresh();
        detector?.refresh();
        outbox.refresh();
      };
    }

    const ctx = {
      inventory,
      events,
      chat,
      rooms,
      limits,
      metrics,
      sessions,
      staffTokens,
      fanout,
      checkout,
      tokenRegistry,
      moderation,
      anomalies,
      figures,
      analytics,
      reports,
      posDrift,
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

    const issueStaffToken = async (role: 'host' | 'moderator', eventId: string) => {
      const issued = staffTokens.issue(role, eventId);
      await tokenRegistry.record(issued);
      return { token: issued.token, id: issued.id };
    };
    let closing: Promise<void> | undefined;
    return {
      url: urlOf(config.host, port),
      port,
      inventory,
      adminKey: config.adminKey,
      metricsUrl,
      settleOrders: () => orderReconciler.settleNow(),
      anomalies,
      analytics,
      posSignals,
      detector,
      issueStaffToken,
      async demoConsoleLinks() {
        if (!config.demo) return [];
        const base = urlOf(config.host, port).replace('127.0.0.1', 'localhost');
        const lines: string[] = [];
        for (const role of ['host', 'moderator'] as const) {
          const { token } = await issueStaffToken(role, DEMO_EVENT.id);
          lines.push(`${role} console: ${base}/console/${role}#token=${token}`);
        }
        return lines;
      },
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

const isPosProvider = (value: string | undefined): value is PosProvider =>
  (POS_PROVIDERS as readonly (string | undefined)[]).includes(value);
