/** The POS systems an adapter speaks to; `generic` is Liveshop's own signed JSON webhook. */
export type PosProvider = 'shopify' | 'square' | 'generic';

/**
 * One on-hand count a POS reported for one item at one location. Ids are the POS's own ids as
 * strings (Shopify's numeric ids, Square's catalog object ids); `occurredAt` is when the count
 * was true, in epoch milliseconds, taken from the signed body so it can order deliveries.
 */
export interface PosInventoryUpdate {
  provider: PosProvider;
  posItemId: string;
  posLocationId: string;
  /** Whole units the counter can still sell; may be negative (the POS oversold). */
  onHand: number;
  occurredAt: number;
  /** The delivery this update came in; every update of one delivery shares it. */
  deliveryId: string;
}

/** A count of a delivery that carries no on-hand number, with why. */
export interface SkippedCount {
  posItemId: string;
  posLocationId: string;
  /** `untracked`: the POS does not count this item; `not_on_hand`: a count of another state. */
  reason: 'untracked' | 'not_on_hand';
}

/** A customer identifier a POS sale carried, normalised for matching (see `customer.ts`). */
export interface PosCustomer {
  email?: string;
  phone?: string;
  loyaltyId?: string;
}

export interface PosSaleLine {
  /** Generic: the item id; Shopify: the variant id (orders carry no inventory item id); Square: absent lines. */
  posItemId: string;
  qty: number;
  sku?: string;
}

/** A sale made at the counter, for attribution (influenced revenue). */
export interface PosSale {
  provider: PosProvider;
  deliveryId: string;
  occurredAt: number;
  /** The POS's own order reference; the dedupe key of a sale (it is inside the signed body). */
  orderRef: string;
  /** In the currency's minor units. */
  totalCents: number;
  currency: string;
  customer: PosCustomer;
  /** The POS's own customer id when the sale names one (Square's `customer_id`). */
  posCustomerId?: string;
  lines: PosSaleLine[];
  posLocationId?: string;
  /** A test order of the POS (Shopify's `test` flag). */
  test: boolean;
}

/** A current count pulled from a POS (or read from a CSV) for reconciliation. */
export interface PosCount {
  provider: PosProvider;
  posItemId: string;
  posLocationId: string;
  onHand: number;
}
