import type { CreateEventBody, Location } from '@liveshop/protocol';

/** The demo show: six products with local images, live from the start. */
export const DEMO_EVENT: CreateEventBody = {
  id: 'demo',
  title: 'Spring Drop — live from the studio',
  streamUrl: '/stream/index.m3u8',
  holdTtlSeconds: 300,
  status: 'live',
  // The show's units are set aside; a counter sale (`pnpm pos-sale`) touches them only when the
  // shop's on-hand falls below what the show still has.
  inventory: { mode: 'exclusive', locations: ['studio'] },
  products: [
    {
      sku: 'TEE-ORIGIN',
      title: 'Origin Organic Tee',
      priceCents: 2800,
      currency: 'USD',
      imageUrl: '/img/tee.svg',
      description: 'Heavyweight organic cotton, garment-dyed cobalt, with the Orbit print.',
      limitPerShopper: 3,
    },
    {
      sku: 'MUG-EMBER',
      title: 'Ember Stoneware Mug',
      priceCents: 2200,
      currency: 'USD',
      imageUrl: '/img/mug.svg',
      description: 'Hand-glazed stoneware, 350 ml, dishwasher safe.',
      limitPerShopper: 4,
    },
    {
      sku: 'CAP-TRAIL',
      title: 'Trail Canvas Cap',
      priceCents: 2400,
      currency: 'USD',
      imageUrl: '/img/cap.svg',
      description: 'Waxed canvas six-panel cap with a leather strap.',
      limitPerShopper: 2,
    },
    {
      sku: 'TOTE-MARKET',
      title: 'Market Tote Bag',
      priceCents: 3500,
      currency: 'USD',
      imageUrl: '/img/tote.svg',
      description: 'Undyed 16 oz canvas with an inside pocket; carries a full shop.',
      limitPerShopper: 2,
    },
    {
      sku: 'SCARF-MERINO',
      title: 'Merino Wool Scarf',
      priceCents: 4800,
      currency: 'USD',
      imageUrl: '/img/scarf.svg',
      description: 'Extra-fine merino, knitted in one piece, plum.',
      limitPerShopper: 1,
    },
    {
      sku: 'SNEAKER-DRIFT',
      title: 'Drift Knit Sneaker',
      priceCents: 8900,
      currency: 'USD',
      imageUrl: '/img/sneaker.svg',
      description: 'Recycled knit upper, natural rubber sole. Limited drop.',
      limitPerShopper: 1,
    },
  ],
};

/** Units each demo product starts with. */
export const DEMO_STOCK: Record<string, number> = {
  'TEE-ORIGIN': 40,
  'MUG-EMBER': 25,
  'CAP-TRAIL': 30,
  'TOTE-MARKET': 15,
  'SCARF-MERINO': 8,
  'SNEAKER-DRIFT': 5,
};

/** The demo shop's stores (two offer pickup) and its warehouse, in the order shipping draws from them. */
export const DEMO_LOCATIONS: Location[] = [
  { id: 'warehouse', name: 'Warehouse', address: '9 Dock Rd, Newark', pickup: false },
  { id: 'soho', name: 'SoHo store', address: '120 Prince St, New York', pickup: true },
  { id: 'brooklyn', name: 'Brooklyn store', address: '88 Wythe Ave, Brooklyn', pickup: true },
];

/**
 * Of {@link DEMO_STOCK}, the units kept in the stores, so the demo checkout offers pickup for them;
 * the rest are the show's unlocated pool.
 */
export const DEMO_STOCK_IN_STORES: Record<string, Record<string, number>> = {
  'TEE-ORIGIN': { soho: 4, brooklyn: 3 },
  'MUG-EMBER': { soho: 3 },
};

/**
 * The demo shop's POS ids, so `pnpm pos-sale` works out of the box: Shopify inventory items and a
 * location, Square catalog objects and a location, and the generic webhook's ids, all mapped to the
 * demo SKUs and the `studio` location.
 */
export const DEMO_POS_MAPPINGS = {
  items: Object.keys(DEMO_STOCK).flatMap((sku, index) => [
    { provider: 'shopify' as const, posItemId: String(49_000_000_000_001 + index), sku },
    { provider: 'square' as const, posItemId: `DEMO${sku.replace(/-/g, '')}`, sku },
    { provider: 'generic' as const, posItemId: sku, sku },
  ]),
  locations: [
    { provider: 'shopify' as const, posLocationId: '78000000001', locationId: 'studio' },
    { provider: 'square' as const, posLocationId: 'DEMOSTUDIO', locationId: 'studio' },
    { provider: 'generic' as const, posLocationId: 'studio', locationId: 'studio' },
  ],
};
