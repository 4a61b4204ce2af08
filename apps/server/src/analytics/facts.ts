/** The device a viewer watched on, from its user agent. */
export type DeviceClass = 'phone' | 'tablet' | 'desktop' | 'unknown';

/** Clicks counted per session and SKU at most; more are dropped (a replayed or forged beacon cannot inflate them). */
export const CLICK_CAP = 10;

/** A viewer's visit to an event as it stands after one connection change (`viewer_sessions`). */
export interface SessionFact {
  kind: 'session';
  id: string;
  eventId: string;
  /** Null when the viewer opted out. */
  shopperId: string | null;
  device: DeviceClass;
  startedAt: number;
  lastSeenAt: number;
  /** When the visit's last connection here went away; null while one is open. */
  endedAt: number | null;
}

/** A process's viewers of an event in one minute (`viewer_samples`). */
export interface ViewerSampleFact {
  kind: 'viewers';
  eventId: string;
  minute: number;
  nodeId: string;
  viewers: number;
  peakViewers: number;
}

/** A product card seen in a session (`product_impressions`). */
export interface ImpressionFact {
  kind: 'impression';
  sessionId: string;
  eventId: string;
  sku: string;
  at: number;
}

/** Clicks on a product in a session (`product_clicks`). */
export interface ClickFact {
  kind: 'click';
  sessionId: string;
  eventId: string;
  sku: string;
  clicks: number;
  firstAt: number;
  lastAt: number;
}

/** The products pinned after one pin change, all of them (`pin_history`). */
export interface PinFact {
  kind: 'pin';
  eventId: string;
  skus: string[];
  at: number;
}

/** Units available of a SKU in one minute (`stock_samples`). */
export interface StockSampleFact {
  kind: 'stock';
  eventId: string;
  sku: string;
  minute: number;
  available: number;
}

export type Fact = SessionFact | ViewerSampleFact | ImpressionFact | ClickFact | PinFact | StockSampleFact;

let pinChanges = 0;

/**
 * The key two facts share when they are about the same row, so the buffer keeps one of them (see
 * {@link mergeFacts}). Pin changes are never merged: each is applied in order.
 */
export function factKey(fact: Fact): string {
  switch (fact.kind) {
    case 'session':
      return `s|${fact.id}`;
    case 'viewers':
      return `v|${fact.eventId}|${fact.minute}|${fact.nodeId}`;
    case 'impression':
      return `i|${fact.sessionId}|${fact.sku}`;
    case 'click':
      return `c|${fact.sessionId}|${fact.sku}`;
    case 'pin':
      return `p|${++pinChanges}`;
    case 'stock':
      return `k|${fact.eventId}|${fact.sku}|${fact.minute}`;
  }
}

/** One fact standing for `earlier` followed by `later`, both about the same row. */
export function mergeFacts<F extends Fact>(earlier: F, later: F): F {
  switch (later.kind) {
    case 'session': {
      const before = earlier as SessionFact;
      const after = later as SessionFact;
      return {
        ...after,
        shopperId: before.shopperId,
        device: before.device === 'unknown' ? after.device : before.device,
        startedAt: Math.min(before.startedAt, after.startedAt),
        lastSeenAt: Math.max(before.lastSeenAt, after.lastSeenAt),
        endedAt: after.lastSeenAt >= before.lastSeenAt ? after.endedAt : before.endedAt,
      } as F;
    }
    case 'viewers': {
      const before = earlier as ViewerSampleFact;
      return { ...later, peakViewers: Math.max(before.peakViewers, later.peakViewers) } as F;
    }
    case 'impression':
      return { ...later, at: Math.min((earlier as ImpressionFact).at, later.at) } as F;
    case 'click': {
      const before = earlier as ClickFact;
      return {
        ...later,
        clicks: Math.min(CLICK_CAP, before.clicks + later.clicks),
        firstAt: Math.min(before.firstAt, later.firstAt),
        lastAt: Math.max(before.lastAt, later.lastAt),
      } as F;
    }
    default:
      return later;
  }
}
