import express, { type Express } from 'express';
import type { RedisClient } from '../redis-connection.js';
import type { StaffTokenRegistry } from '../auth/staff-token-registry.js';
import type { StaffTokens } from '../auth/staff-token.js';
import type { EventService } from '../catalog/event-service.js';
import type { SqlStore } from '../db/sql-store.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { InventoryStore } from '@liveshop/inventory';
import type { CheckoutService } from '../orders/checkout-service.js';
import type { LocationRepository } from '../orders/location-repository.js';
import type { OrderRepository } from '../orders/order-repository.js';
import type { RefundService } from '../orders/refund-service.js';
import type { RateLimits } from '../rate-limits.js';
import { requireAdmin } from './admin-auth.js';
import type { EventReport } from '../analytics/event-report.js';
import { adminRouter, type TokenSockets } from './admin-router.js';
import { apiNotFound, errorHandler } from './error-handler.js';
import { healthRouter } from './health-router.js';
import { metricsRouter } from './metrics-router.js';
import { publicRouter } from './public-router.js';
import { beaconRouter } from './beacon-router.js';
import type { AnalyticsRecording } from '../analytics/analytics.js';
import type { ShopperSessions } from '../auth/shopper-session.js';
import { publicCors, securityHeaders } from './security.js';
import { staticRouter, type StaticDirs } from './static-assets.js';
import { posAdminRouter, type PosAdminDeps } from './pos-admin-router.js';
import { webhookRouter } from './webhook-router.js';

export interface AppDeps {
  redis: RedisClient;
  db: SqlStore;
  metrics: ServerMetrics;
  events: EventService;
  limits: RateLimits;
  staffTokens: StaffTokens;
  orders: OrderRepository;
  locations: LocationRepository;
  checkout: CheckoutService;
  refunds: RefundService;
  inventory: InventoryStore;
  tokenRegistry: StaffTokenRegistry;
  tokenSockets: TokenSockets;
  sessions: ShopperSessions;
  analytics: AnalyticsRecording;
  reports: EventReport;
  adminKey?: string;
  metricsKey?: string;
  /** `/metrics` is served by {@link createMonitoringApp} on another port instead. */
  metricsElsewhere?: boolean;
  allowedOrigins: string[];
  staticDirs: StaticDirs;
  /** POS sync: webhooks and the admin routes under `/api/admin/pos`. */
  pos: PosAdminDeps;
}

/** Admin bodies carry whole catalogs (up to 200 products); everything else is small. */
const ADMIN_BODY_LIMIT = '512kb';
const API_BODY_LIMIT = '16kb';

/** The express app: health and metrics, the JSON API, static files, typed JSON errors. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'weak');
  app.use(securityHeaders());
  app.use(healthRouter(deps));
  if (!deps.metricsElsewhere) app.use(metricsRouter(deps));

  // Raw bodies, only here: a webhook's signature covers the exact bytes.
  app.use(webhookRouter({ pos: deps.pos.inbound }));
  // The key is checked before the body is read: an unauthenticated client cannot make the server parse 512 KB.
  app.use(
    '/api/admin',
    requireAdmin(deps.adminKey),
    express.json({ limit: ADMIN_BODY_LIMIT }),
    express.text({ type: 'text/csv', limit: ADMIN_BODY_LIMIT }),
    posAdminRouter(deps.pos),
    adminRouter(deps),
  );
  // Before the read API: its own CORS (POST) and body parser (text/plain, which sendBeacon sends).
  app.use('/api', beaconRouter(deps));
  app.use('/api', publicCors(deps.allowedOrigins), express.json({ limit: API_BODY_LIMIT }), publicRouter(deps));
  app.use('/api', apiNotFound);

  app.use(staticRouter(deps.staticDirs));
  app.use(errorHandler);
  return app;
}

/** The app of the separate monitoring port: `/metrics` and `/healthz` only. */
export function createMonitoringApp(deps: Pick<AppDeps, 'redis' | 'db' | 'metrics' | 'metricsKey'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps));
  app.use(metricsRouter(deps));
  app.use(errorHandler);
  return app;
}
