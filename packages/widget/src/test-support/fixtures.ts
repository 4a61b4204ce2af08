import type { JoinAck, ProductView } from '@liveshop/protocol';

/** A product as the server would send it in a join ack. */
export function product(overrides: Partial<ProductView> = {}): ProductView {
  return {
    sku: 'mug',
    title: 'Stoneware Mug',
    priceCents: 2400,
    currency: 'USD',
    imageUrl: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/%3E',
    limitPerShopper: 0,
    available: 20,
    version: 1,
    ...overrides,
  };
}

export function joinAck(overrides: Partial<JoinAck> = {}): JoinAck {
  return {
    event: { id: 'demo', title: 'Spring Drop', holdTtlSeconds: 300, status: 'live' },
    products: [
      product(),
      product({ sku: 'scarf', title: 'Wool Scarf', priceCents: 5900, available: 3, version: 4 }),
      product({ sku: 'lamp', title: 'Brass Lamp', priceCents: 12900, available: 0, version: 9 }),
    ],
    pinned: ['scarf'],
    chat: [],
    serverTime: Date.now(),
    ...overrides,
  };
}

/** Waits for a condition the UI reaches asynchronously (a Lit update, a resolved ack). */
export async function until(check: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Mounts an element in the document and returns it once its first render is done. */
export async function mount<T extends HTMLElement & { updateComplete: Promise<unknown> }>(element: T): Promise<T> {
  document.body.append(element);
  await element.updateComplete;
  return element;
}
