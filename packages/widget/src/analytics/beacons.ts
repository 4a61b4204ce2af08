import type { BeaconBody, BeaconItem, ProductView } from '@liveshop/protocol';

/** A card counts as seen once at least this much of it is visible … */
const VISIBLE_RATIO = 0.5;
/** … for this long. */
const VISIBLE_MS = 1_000;
/** How often queued items are sent (and new cards looked for). */
const SEND_EVERY_MS = 5_000;
/** The server takes at most this many items per beacon. */
const MAX_ITEMS = 50;

/** What the beacons need from `<live-shop>`. */
export interface BeaconSource {
  /** The widget's shadow root, where the cards and the pinned overlay render. */
  root: ParentNode & EventTarget;
  /** `POST /api/events/:id/beacons` of the joined event on the widget's server. */
  url: string;
  /** The shopper's session token, once the server sent it. */
  session(): string | undefined;
  /** Whether the viewer still allows analytics (the consent hook may withdraw it at any time). */
  allowed(): boolean;
}

type Card = Element & { product?: ProductView };

/**
 * Impressions and clicks of one widget, sent as beacons. A product card at least half visible for
 * a second is an impression (once per card per page load); Buy Now and opening a card's details
 * are clicks. Items are queued and sent every few seconds and when the page is hidden, with
 * `navigator.sendBeacon` (`fetch` with `keepalive` when it refuses). Nothing here ever throws into
 * the widget or waits for an answer: a lost beacon is a lost count, never a broken page.
 * Returns the function that sends what is queued and stops.
 */
export function startBeacons(source: BeaconSource): () => void {
  const queue: BeaconItem[] = [];
  const seen = new Set<string>();
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const watched = new WeakSet<Element>();

  const add = (type: BeaconItem['type'], sku: string | undefined) => {
    if (sku && source.allowed()) queue.push({ type, sku, at: Date.now() });
  };

  const visibility = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const sku = (entry.target as Card).product?.sku;
        clearTimeout(timers.get(entry.target));
        timers.delete(entry.target);
        if (!sku || seen.has(sku) || entry.intersectionRatio < VISIBLE_RATIO) continue;
        timers.set(
          entry.target,
          setTimeout(() => {
            timers.delete(entry.target);
            if (seen.has(sku)) return;
            seen.add(sku);
            add('impression', sku);
          }, VISIBLE_MS),
        );
      }
    },
    { threshold: [0, VISIBLE_RATIO] },
  );

  /** The cards of the list and of the pinned overlay (inside its own shadow root). */
  const watchCards = () => {
    const overlay = source.root.querySelector('live-shop-pinned-overlay')?.shadowRoot;
    for (const root of overlay ? [source.root, overlay] : [source.root]) {
      for (const card of root.querySelectorAll('live-shop-product-card')) {
        if (watched.has(card)) continue;
        watched.add(card);
        visibility.observe(card);
      }
    }
  };

  const send = () => {
    const session = source.session();
    if (!source.allowed()) queue.length = 0;
    if (!session) return;
    while (queue.length > 0) {
      const body: BeaconBody = {
        session,
        batch: (Math.random().toString(36).slice(2) + Date.now().toString(36)).slice(0, 40).padEnd(8, '0'),
        sentAt: Date.now(),
        items: queue.splice(0, MAX_ITEMS),
      };
      const text = JSON.stringify(body);
      try {
        if (!navigator.sendBeacon(source.url, text)) throw new Error('not queued');
      } catch {
        fetch(source.url, {
          method: 'POST',
          body: text,
          keepalive: true,
          headers: { 'content-type': 'text/plain' },
        }).catch(() => undefined);
      }
    }
  };

  // Captured at the shadow root, before `<live-shop>` handles (and stops) them.
  const onBuy = (event: Event) => add('click', (event as Event & { sku?: string }).sku);
  source.root.addEventListener('ls-buy', onBuy, true);
  source.root.addEventListener('ls-details', onBuy, true);
  const onHidden = () => {
    if (document.visibilityState === 'hidden') send();
  };
  document.addEventListener('visibilitychange', onHidden);
  addEventListener('pagehide', send);
  watchCards();
  const tick = setInterval(() => {
    watchCards();
    send();
  }, SEND_EVERY_MS);
  // New cards show up with the first renders after the join: look again soon.
  const early = setTimeout(watchCards, 500);

  return () => {
    send();
    clearInterval(tick);
    clearTimeout(early);
    for (const timer of timers.values()) clearTimeout(timer);
    visibility.disconnect();
    source.root.removeEventListener('ls-buy', onBuy, true);
    source.root.removeEventListener('ls-details', onBuy, true);
    document.removeEventListener('visibilitychange', onHidden);
    removeEventListener('pagehide', send);
  };
}
