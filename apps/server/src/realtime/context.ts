import type { PosDrift } from '../pos/pos-drift.js';
import type { InventoryStore } from '@liveshop/inventory';
import type { AnalyticsRecording } from '../analytics/analytics.js';
import type { EventReport } from '../analytics/event-report.js';
import type { ShopperSessions } from '../auth/shopper-session.js';
import type { StaffTokens } from '../auth/staff-token.js';
import type { EventService } from '../catalog/event-service.js';
import type { CheckoutService } from '../orders/checkout-service.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { ChatStore } from './chat-store.js';
import type { EventRooms } from './event-rooms.js';
import type { RateLimits } from '../rate-limits.js';
import type { StaffTokenRegistry } from '../auth/staff-token-registry.js';
import type { Anomalies } from '../anomalies/anomalies.js';
import type { FiguresService } from '../figures/figures-service.js';
import type { ModerationService } from '../moderation/moderation-service.js';

/** Starts tailing an event's ledger on this process before a socket takes its snapshot. */
export interface LedgerWatch {
  watch(eventId: string): Promise<void>;
}

/** Everything the namespace handlers use. */
export interface RealtimeContext {
  inventory: InventoryStore;
  events: EventService;
  chat: ChatStore;
  rooms: EventRooms;
  limits: RateLimits;
  metrics: ServerMetrics;
  sessions: ShopperSessions;
  staffTokens: StaffTokens;
  fanout: LedgerWatch;
  checkout: CheckoutService;
  tokenRegistry: StaffTokenRegistry;
  moderation: ModerationService;
  anomalies: Anomalies;
  figures: FiguresService;
  analytics: AnalyticsRecording;
  reports: EventReport;
  posDrift: PosDrift;
}
