import type { ChatMessage, ErrorCode, HoldView, JoinAck, LiveEvent, ProductView, StockItem } from '@liveshop/protocol';
import { resolveServerUrls, serverBaseUrl } from './server-urls.js';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** One SKU whose available count changed through {@link ShopState.applyStock} or a snapshot. */
export interface StockChange {
  sku: string;
  before: number;
  after: number;
}

/** Fired by {@link ShopState} when live stock or a fresh snapshot changed what a shopper can buy. */
export class StockChangedEvent extends Event {
  constructor(readonly changes: StockChange[]) {
    super('stock');
  }
}

/**
 * Fired by {@link ShopState} when a join snapshot changed the shopper's holds: `restored` ones the
 * server has and this page did not (placed before a reload, or in another tab), and `gone` ones
 * this page showed that the server no longer has (released elsewhere, or expired meanwhile).
 */
export class HoldsSyncedEvent extends Event {
  constructor(
    readonly restored: HoldView[],
    readonly gone: HoldView[],
  ) {
    super('holds');
  }
}

/**
 * Whether `incoming` is a later state of a SKU than `current`: a higher stock generation (the
 * server restored the event after losing its live state, and versions started over), or the same
 * generation and a higher version. An absent generation is 0.
 */
export function isNewerStock(
  incoming: { version: number; generation?: number },
  current: { version: number; generation?: number },
): boolean {
  const [next, shown] = [incoming.generation ?? 0, current.generation ?? 0];
  return next !== shown ? next > shown : incoming.version > current.version;
}

/** What a join snapshot carries; `chat` and `serverTime` may be left out by a custom client. */
export type Snapshot = Omit<JoinAck, 'chat' | 'serverTime'> & Partial<Pick<JoinAck, 'chat'>>;

/** How many chat messages the widget keeps; older ones scroll away. */
export const CHAT_HISTORY = 100;

/**
 * Everything the widget shows, in one observable object: the event, products with live stock,
 * pinned SKUs, chat, the shopper's holds and the connection status. It fires `change` after every
 * mutation, `stock` ({@link StockChangedEvent}) when available counts moved, and `holds`
 * ({@link HoldsSyncedEvent}) when a snapshot brought back or took away holds. It knows nothing
 * about sockets, so components and tests can drive it directly.
 */
export class ShopState extends EventTarget {
  event: LiveEvent | null = null;
  products: ProductView[] = [];
  pinned: string[] = [];
  chat: ChatMessage[] = [];
  holds: HoldView[] = [];
  connection: ConnectionStatus = 'connecting';
  /** Set when joining failed for good (e.g. `NOT_FOUND`). */
  joinError: ErrorCode | null = null;
  /** Server clock minus local clock, in ms, so countdowns end when the server's hold does. */
  clockOffsetMs = 0;
  /**
   * What paths in the server's snapshots resolve against: the server's origin, set by `<live-shop>`
   * from its `server` attribute. Every `…Url` field this state holds is absolute, so the page
   * around the widget (another origin) can use `product(sku).imageUrl` as it is.
   */
  serverBase: URL = serverBaseUrl('');
  /** The highest stock generation applied so far (see {@link isNewerStock}). */
  generation = 0;
  /** SKUs with a reserve in flight: a second tap while one is pending does nothing. */
  readonly pending = new Set<string>();
  /**
   * Holds in a checkout under way, each with whether its timer ran out meanwhile: the checkout's
   * answer ends them (purchased, or expired then), not the local clock.
   */
  readonly paying = new Map<string, boolean>();
  /** The last error per SKU, shown on its card until the next attempt. */
  readonly notices = new Map<string, ErrorCode>();
  private readonly bySku = new Map<string, ProductView>();

  product(sku: string): ProductView | undefined {
    return this.bySku.get(sku);
  }

  /** Server time now, by the local clock corrected with the offset measured at join. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * Applies a join ack. Catalog fields always come from the snapshot; a SKU's stock only when the
   * snapshot's state is not older (generation, then version) than what a live update already
   * delivered. When the ack lists
   * the shopper's holds, they become the holds shown, except that a hold missing from it is only
   * dropped when it was among `heldAtRequest` (the holds shown when the join was sent; by default
   * all of them): one reserved while the join was on its way may be newer than the snapshot.
   * Every URL in it is resolved against {@link serverBase} first.
   */
  applySnapshot(snapshot: Snapshot, heldAtRequest?: ReadonlySet<string>): StockChange[] {
    const ack = resolveServerUrls(snapshot, this.serverBase);
    const changes: StockChange[] = [];
    const next = new Map<string, ProductView>();
    for (const incoming of ack.products) {
      const current = this.bySku.get(incoming.sku);
      const keep = current && isNewerStock(current, incoming);
      const merged = keep
        ? { ...incoming, available: current.available, version: current.version, generation: current.generation }
        : incoming;
      this.generation = Math.max(this.generation, merged.generation ?? 0);
      if (current && current.available !== merged.available) {
        changes.push({ sku: incoming.sku, before: current.available, after: merged.available });
      }
      next.set(incoming.sku, merged);
    }
    this.bySku.clear();
    for (const [sku, product] of next) this.bySku.set(sku, product);
    this.products = [...next.values()];
    this.event = ack.event;
    this.pinned = ack.pinned.filter((sku) => next.has(sku));
    if (ack.chat) this.chat = ack.chat.slice(-CHAT_HISTORY);
    this.joinError = null;
    const synced = ack.holds ? this.syncHolds(ack.holds, heldAtRequest) : null;
    this.changed();
    if (changes.length > 0) this.dispatchEvent(new StockChangedEvent(changes));
    if (synced) this.dispatchEvent(synced);
    return changes;
  }

  /**
   * Applies live stock updates; an update that is not newer than the state shown (see
   * {@link isNewerStock}) is stale and ignored.
   */
  applyStock(items: StockItem[]): StockChange[] {
    const changes: StockChange[] = [];
    let applied = false;
    for (const item of items) {
      const current = this.bySku.get(item.sku);
      if (!current || !isNewerStock(item, current)) continue;
      applied = true;
      const generation = item.generation ?? 0;
      this.generation = Math.max(this.generation, generation);
      const updated = { ...current, available: item.available, version: item.version, generation };
      this.bySku.set(item.sku, updated);
      if (updated.available !== current.available) {
        changes.push({ sku: item.sku, before: current.available, after: updated.available });
      }
    }
    if (applied) {
      this.products = this.products.map((product) => this.bySku.get(product.sku) ?? product);
      this.changed();
    }
    if (changes.length > 0) this.dispatchEvent(new StockChangedEvent(changes));
    return changes;
  }

  setPinned(skus: string[]): void {
    this.pinned = skus.filter((sku) => this.bySku.has(sku)).slice(0, 3);
    this.changed();
  }

  setEventStatus(status: LiveEvent['status']): void {
    if (!this.event) return;
    this.event = { ...this.event, status };
    this.changed();
  }

  setConnection(status: ConnectionStatus): void {
    if (this.connection === status) return;
    this.connection = status;
    this.changed();
  }

  setJoinError(code: ErrorCode): void {
    this.joinError = code;
    this.changed();
  }

  addChat(message: ChatMessage): void {
    if (this.chat.some((m) => m.id === message.id)) return;
    this.chat = [...this.chat, message].slice(-CHAT_HISTORY);
    this.changed();
  }

  /** A moderator deleted a message. */
  removeChat(messageId: string): void {
    this.chat = this.chat.filter((m) => m.id !== messageId);
    this.changed();
  }

  /** A drop: the product goes on sale at `startsAt` (server clock). */
  setOnSaleAt(sku: string, startsAt: number): void {
    const product = this.bySku.get(sku);
    if (!product) return;
    this.bySku.set(sku, { ...product, onSaleAt: startsAt });
    this.products = this.products.map((p) => this.bySku.get(p.sku) ?? p);
    this.changed();
  }

  setPending(sku: string, pending: boolean): void {
    if (pending) this.pending.add(sku);
    else this.pending.delete(sku);
    this.changed();
  }

  setNotice(sku: string, code: ErrorCode | null): void {
    if (code) this.notices.set(sku, code);
    else this.notices.delete(sku);
    this.changed();
  }

  addHold(hold: HoldView): void {
    this.holds = [...this.holds.filter((h) => h.id !== hold.id), hold];
    this.changed();
  }

  removeHold(holdId: string): HoldView | undefined {
    const hold = this.holds.find((h) => h.id === holdId);
    if (!hold) return undefined;
    this.holds = this.holds.filter((h) => h.id !== holdId);
    this.changed();
    return hold;
  }

  /** Makes the server's holds the ones shown; returns what changed, or null when nothing did. */
  private syncHolds(server: HoldView[], heldAtRequest?: ReadonlySet<string>): HoldsSyncedEvent | null {
    const shown = new Set(this.holds.map((h) => h.id));
    const listed = new Set(server.map((h) => h.id));
    const restored = server.filter((h) => !shown.has(h.id));
    const gone = this.holds.filter((h) => !listed.has(h.id) && (heldAtRequest?.has(h.id) ?? true));
    if (restored.length === 0 && gone.length === 0) return null;
    this.holds = [...this.holds.filter((h) => !gone.includes(h)), ...restored];
    return new HoldsSyncedEvent(restored, gone);
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
