import express, { Router, type RequestHandler } from 'express';
import {
  BEACON_MAX_BYTES,
  ErrorCode,
  LiveshopError,
  beaconBody,
  eventIdSchema,
  parseInput,
  type BeaconAck,
  type BeaconBody,
} from '@liveshop/protocol';
import type { AnalyticsRecording } from '../analytics/analytics.js';
import type { Fact } from '../analytics/facts.js';
import type { ShopperSessions } from '../auth/shopper-session.js';
import type { EventService } from '../catalog/event-service.js';
import type { RateLimits } from '../rate-limits.js';
import { publicCors } from './security.js';

/** How long a batch id is remembered: a replay after that is still only one impression per SKU and capped clicks. */
const BATCH_MEMORY_MS = 60 * 60_000;
/** The furthest back an item is placed before its beacon arrived (a tab hidden for long sends late). */
const MAX_ITEM_AGE_MS = 10 * 60_000;

export interface BeaconDeps {
  events: EventService;
  limits: RateLimits;
  sessions: ShopperSessions;
  analytics: AnalyticsRecording;
  allowedOrigins: string[];
}

/**
 * `POST /api/events/:id/beacons`: impressions and clicks from the widget, sent with
 * `navigator.sendBeacon` (`text/plain`) or `fetch` (`application/json`), with the shopper's session
 * token in the body. Checked in order, each refusal typed and nothing stored: the origin, the body
 * (size, JSON, shape), the token (`UNAUTHORIZED`), the rate limit, the event and every SKU
 * (`NOT_FOUND`), the shopper's running visit (`CONFLICT` without one, `FORBIDDEN` when opted out),
 * the batch id (`CONFLICT` when replayed). Beacons only ever add impressions and clicks.
 */
export function beaconRouter(deps: BeaconDeps): Router {
  const router = Router();
  const path = '/events/:id/beacons';
  const cors = publicCors(deps.allowedOrigins, 'POST');
  router.options(path, cors);
  router.post(
    path,
    cors,
    refuseOtherOrigins(deps.allowedOrigins),
    express.text({ type: ['text/plain', 'application/json'], limit: BEACON_MAX_BYTES }),
    async (req, res) => {
      const eventId = parseInput(eventIdSchema, req.params.id);
      const body = parseBody(req.body);
      const shopperId = deps.sessions.verify(body.session);
      if (!shopperId) throw new LiveshopError(ErrorCode.UNAUTHORIZED, 'session: not a valid shopper session');
      const limited = deps.limits.beacon(shopperId, req.socket.remoteAddress ?? '');
      if (limited) await limited;
      const event = await deps.events.require(eventId);
      const known = new Set(event.products.map((product) => product.sku));
      const unknown = body.items.find((item) => !known.has(item.sku));
      if (unknown)
        throw new LiveshopError(ErrorCode.NOT_FOUND, `sku ${unknown.sku} is not a product of event ${eventId}`);
      const { analytics } = deps;
      if (!analytics.enabled) {
        res.status(204).end();
        return;
      }
      const { visit, fresh } = await analytics.visits.forBeacon(eventId, shopperId, body.batch, BATCH_MEMORY_MS);
      if (!visit) throw new LiveshopError(ErrorCode.CONFLICT, `no running visit of event ${eventId}: join it first`);
      if (visit.optedOut) throw new LiveshopError(ErrorCode.FORBIDDEN, 'this viewer opted out of analytics');
      if (!fresh) throw new LiveshopError(ErrorCode.CONFLICT, `batch ${body.batch} was already received`);
      analytics.record(factsOf(body, eventId, visit.sessionId, Date.now()));
      const ack: BeaconAck = { accepted: body.items.length };
      res.status(202).json(ack);
    },
  );
  return router;
}

/** The body as text (either content type), then as JSON, then as a beacon. */
function parseBody(raw: unknown): BeaconBody {
  if (typeof raw !== 'string') {
    throw new LiveshopError(ErrorCode.INVALID_INPUT, 'a beacon is sent as text/plain or application/json');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new LiveshopError(ErrorCode.INVALID_INPUT, 'the beacon is not valid JSON');
  }
  return parseInput(beaconBody, json);
}

/**
 * A beacon is a simple request (no preflight for `text/plain`), so CORS alone would let any page
 * post one; with an allowlist, a browser's request from another origin is refused outright.
 */
function refuseOtherOrigins(allowedOrigins: string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (allowed.size > 0 && origin && !allowed.has(origin)) {
      throw new LiveshopError(ErrorCode.FORBIDDEN, `origin ${origin} may not send beacons`);
    }
    next();
  };
}

/**
 * The items as facts, on the server's clock: each item is placed as long before `now` as it was
 * before the beacon's `sentAt` on the viewer's clock (at most {@link MAX_ITEM_AGE_MS}), so a
 * viewer's clock being off does not move them.
 */
export function factsOf(body: BeaconBody, eventId: string, sessionId: string, now: number): Fact[] {
  const sentAt = body.sentAt ?? Math.max(...body.items.map((item) => item.at));
  return body.items.map((item) => {
    const at = now - Math.min(MAX_ITEM_AGE_MS, Math.max(0, sentAt - item.at));
    return item.type === 'impression'
      ? { kind: 'impression', sessionId, eventId, sku: item.sku, at }
      : { kind: 'click', sessionId, eventId, sku: item.sku, clicks: 1, firstAt: at, lastAt: at };
  });
}
