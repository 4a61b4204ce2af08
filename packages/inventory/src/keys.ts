const MAX_CACHED_SKUS = 10_000;

/** The keys of one SKU of one event (see {@link KeyBuilder.forSku}). */
export interface SkuKeys {
  readonly config: string;
  readonly stock: string;
  readonly holdExpiry: string;
  readonly holdData: string;
  readonly shopperHolds: string;
  readonly expiredHolds: string;
  readonly ledger: string;
  readonly locations: string;
}

/** The tail of an event's key that {@link KeyBuilder.legacyReserveIdempotency} put before each result. */
const LEGACY_RESERVE = 'idem:reserve:';

/**
 * Builds every Redis key Liveshop uses, and nothing else does: the inventory's, and those the
 * server keeps next to them (pins, chat, worker locks, rate limit counters, the socket.io adapter's
 * stream). Each key of an event is `${prefix}:{ev:${eventId}}:...`: the `{ev:<id>}` hash tag keeps
 * all of one event in one Redis Cluster slot, so a script may touch any of them. Scripts receive
 * these names in KEYS and never build one themselves.
 *
 * Variable parts sit last (`stock:<sku>`), or are joined with `|`, a character ids cannot
 * contain, so two different inputs never map to the same key.
 */
export class KeyBuilder {
  private readonly skuKeyCache = new Map<string, SkuKeys>();

  constructor(readonly prefix = 'ls') {}

  /**
   * The keys a script may touch for one SKU, built once and reused: the hot path sends the same
   * strings on every call instead of concatenating them each time.
   */
  forSku(eventId: string, sku: string): SkuKeys {
    const id = `${eventId}\n${sku}`;
    let keys = this.skuKeyCache.get(id);
    if (!keys) {
      // Bounded without bookkeeping: a full cache starts over (events x SKUs rarely reach this).
      if (this.skuKeyCache.size >= MAX_CACHED_SKUS) this.skuKeyCache.clear();
      keys = Object.freeze({
        config: this.config(eventId),
        stock: this.stock(eventId, sku),
        holdExpiry: this.holdExpiry(eventId, sku),
        holdData: this.holdData(eventId, sku),
        shopperHolds: this.shopperHolds(eventId),
        expiredHolds: this.expiredHolds(eventId, sku),
        ledger: this.ledger(eventId),
        locations: this.locations(eventId, sku),
      });
      this.skuKeyCache.set(id, keys);
    }
    return keys;
  }

  /** `${prefix}:{ev:${eventId}}:` — the start of every key of the event (for SCAN/cleanup). */
  event(eventId: string): string {
    return `${this.prefix}:{ev:${eventId}}:`;
  }

  /**
   * Hash: `status`, `ttlMs`, `gen`, `maxQty`, and `limit:<sku>` → the SKU's per-shopper limit for
   * every SKU that has one — all read by reserve in one call.
   */
  config(eventId: string): string {
    return `${this.event(eventId)}config`;
  }

  /** Set of the event's SKUs (every SKU ever allocated). */
  skus(eventId: string): string {
    return `${this.event(eventId)}skus`;
  }

  /** Hash: allocated, available, held, sold, version. */
  stock(eventId: string, sku: string): string {
    return `${this.event(eventId)}stock:${sku}`;
  }

  /** Zset: holdId scored by expiry (epoch ms). */
  holdExpiry(eventId: string, sku: string): string {
    return `${this.event(eventId)}expiry:${sku}`;
  }

  /**
   * Hash: holdId → `<qty>|<shopperId>|<expiresAt>`, and `b:<shopperId>` → units the shopper holds
   * plus bought (the per-shopper limit). One hash instead of two is one key fewer per reserve;
   * hold ids start with `h`, so the two kinds of field never meet.
   */
  holdData(eventId: string, sku: string): string {
    return `${this.event(eventId)}holds:${sku}`;
  }

  /** The field of {@link holdData} that counts a shopper's units held plus bought. */
  buyerField(shopperId: string): string {
    return `b:${shopperId}`;
  }

  /** Zset (score 0, read by lex): `<shopperId>|<holdId>|<qty>|<expiresAt>`. */
  shopperHolds(eventId: string): string {
    return `${this.event(eventId)}shopper-holds`;
  }

  /** Zset: tombstones of expired holds (holdId scored by expiry time), kept one hour. */
  expiredHolds(eventId: string, sku: string): string {
    return `${this.event(eventId)}expired:${sku}`;
  }

  /**
   * Hash: where the SKU's units are (see `lua/includes/locations.lua`): `a:<locationId>` → units
   * of the allocation at that location, `s:<locationId>` → of those, units sold. Empty when the
   * SKU has no located stock. The pooled counts of {@link stock} stay what viewers see.
   */
  locations(eventId: string, sku: string): string {
    return `${this.event(eventId)}locations:${sku}`;
  }

  /**
   * Hash: what the POS says of one SKU for the event — `oh:<locationId>` on-hand, `at:<locationId>`
   * when that was true, `synced` live units the POS was told of, `carved` (see `lua/posApply-4.lua`).
   */
  posStock(eventId: string, sku: string): string {
    return `${this.event(eventId)}pos:${sku}`;
  }

  /** Stream: one entry per stock movement. */
  ledger(eventId: string): string {
    return `${this.event(eventId)}ledger`;
  }

  /**
   * Hash: the reserve results of one period of the idempotency TTL (`period` = epoch ms / TTL ms),
   * field `<shopperId>|<key>` (scoped to the shopper, so a key can never return another shopper's
   * hold); see `lua/reserve-n.lua`.
   */
  reserveIdempotency(eventId: string, period: number): string {
    return `${this.event(eventId)}idem:rsv:${period}`;
  }

  /**
   * Where reserve results were kept before they moved to {@link reserveIdempotency}'s hashes: one
   * string key per result (`InventoryStore.migrateReserveIdempotency` moves them).
   */
  legacyReserveIdempotency(eventId: string, shopperId: string, key: string): string {
    return `${this.event(eventId)}${LEGACY_RESERVE}${shopperId}|${key}`;
  }

  /** A SCAN pattern that matches the {@link legacyReserveIdempotency} keys of every event. */
  legacyReserveIdempotencyPattern(): string {
    return `${this.event('*')}${LEGACY_RESERVE}*`;
  }

  /**
   * Where the result kept at a {@link legacyReserveIdempotency} key moves: the {@link
   * reserveIdempotency} hash of `period` of the key's event, and its field there
   * (`<shopperId>|<key>`, the legacy key's tail). Undefined for a key of another layout. Event ids
   * hold no `}`, so the first `}` after the event's tag ends the id.
   */
  reserveIdempotencyOfLegacy(legacyKey: string, period: number): { hash: string; field: string } | undefined {
    // What `event()` writes before and after the id, so the layout is written once.
    const [start, afterId] = this.event('\n').split('\n') as [string, string];
    const marker = `${afterId}${LEGACY_RESERVE}`;
    if (!legacyKey.startsWith(start)) return undefined;
    const end = legacyKey.indexOf(marker, start.length);
    if (end < 0) return undefined;
    const eventId = legacyKey.slice(start.length, end);
    return { hash: this.reserveIdempotency(eventId, period), field: legacyKey.slice(end + marker.length) };
  }

  /** Release results, scoped to the requesting shopper ('' when the caller is staff or a worker). */
  releaseIdempotency(eventId: string, shopperId: string, key: string): string {
    return `${this.event(eventId)}idem:release:${shopperId}|${key}`;
  }

  /**
   * A commit's result, kept for the idempotency TTL. Orders commit under their order id, so this
   * is also the index that tells whether an order's holds were committed (no ledger scan).
   */
  commitIdempotency(eventId: string, key: string): string {
    return `${this.event(eventId)}idem:commit:${key}`;
  }

  /** A refund's restock result, by refund id. */
  restockIdempotency(eventId: string, key: string): string {
    return `${this.event(eventId)}idem:restock:${key}`;
  }

  allocateIdempotency(eventId: string, key: string): string {
    return `${this.event(eventId)}idem:allocate:${key}`;
  }

  /** String: the JSON array of SKUs the host has pinned. */
  pinned(eventId: string): string {
    return `${this.event(eventId)}pinned`;
  }

  /** List: the event's latest chat messages as JSON, newest first. */
  chat(eventId: string): string {
    return `${this.event(eventId)}chat`;
  }

  /** Hash: shopperId → epoch ms when the shopper's chat mute ends. */
  mutes(eventId: string): string {
    return `${this.event(eventId)}mutes`;
  }

  /**
   * Set of the events an IP was banned from with a shopper: a session minted from that IP later
   * starts banned in them (a ban must survive a dropped session token).
   */
  bannedIp(ip: string): string {
    return `${this.prefix}:banned-ip|${ip}`;
  }

  /** Hash: server process id → `<viewers>|<epoch ms>`, each process's `/shop` viewers of the event. */
  viewers(eventId: string): string {
    return `${this.event(eventId)}viewers`;
  }

  /**
   * String: `<session id>|<started epoch ms>|<1 when opted out, else 0>`, the shopper's current visit
   * to the event (an analytics session); it expires 30 minutes after the shopper was last seen.
   */
  visit(eventId: string, shopperId: string): string {
    return `${this.event(eventId)}visit:${shopperId}`;
  }

  /** String: set when a shopper's beacon batch arrived, so a replayed batch stores nothing. */
  beaconBatch(eventId: string, shopperId: string, batchId: string): string {
    return `${this.event(eventId)}beacon:${shopperId}:${batchId}`;
  }

  /** Hash: epoch ms of a minute's start → units sold in it (kept by the anomaly detector). */
  salesPerMinute(eventId: string): string {
    return `${this.event(eventId)}sales-per-minute`;
  }

  /**
   * String: the id of the last entry of the event's ledger the anomaly detector examined (it reads
   * on from there with XREAD).
   */
  detectorPosition(eventId: string): string {
    return `${this.event(eventId)}detector-position`;
  }

  /** String: the process running the anomaly detector (a lock renewed while it runs). */
  detectorLock(): string {
    return `${this.prefix}:detector-lock`;
  }

  /** String: the process running this interval's scheduled reconciliation with the POS. */
  posReconcileLock(): string {
    return `${this.prefix}:pos-reconcile-lock`;
  }

  /** String: the process sweeping the event's expired holds this pass. */
  sweepLock(eventId: string): string {
    return `${this.event(eventId)}sweep-lock`;
  }

  /**
   * String set by every reconciliation of Redis with the database; when it is gone, Redis has lost
   * its data since, and the events are restored.
   */
  reconciledMarker(): string {
    return `${this.prefix}:reconciled`;
  }

  /**
   * String set once the reserve results of the earlier layout have all been moved (see
   * `InventoryStore.migrateReserveIdempotency`), so later starts skip the scan.
   */
  reserveIdempotencyMigrated(): string {
    return `${this.prefix}:migrated:reserve-idempotency`;
  }

  /** Prefix of a rate limiter's counters. */
  rateLimit(name: string): string {
    return `${this.prefix}:rl:${name}`;
  }

  /** Stream of the socket.io Redis Streams adapter. */
  adapterStream(): string {
    return `${this.prefix}:sio`;
  }
}
