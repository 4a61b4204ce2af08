import { JsonApiServer, type RecordedRequest } from './http-server.js';

interface Item {
  tracked: boolean;
  /** Location GID → available. */
  levels: Map<string, number>;
}

const COST = {
  requestedQueryCost: 10,
  actualQueryCost: 10,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
};

/** Shopify's answer when the cost bucket is empty, as the GraphQL Admin API sends it (HTTP 200). */
export const THROTTLED_BODY = {
  errors: [
    {
      message: 'Throttled',
      extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
    },
  ],
  extensions: {
    cost: {
      requestedQueryCost: 752,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 666, restoreRate: 50 },
    },
  },
};

/**
 * A stand-in for a shop's GraphQL Admin API (`/admin/api/<version>/graphql.json`) that keeps real
 * stock levels and implements the documented behaviour this package relies on: the access token,
 * the mandatory `@idempotent` key (a repeat answers the first result and changes nothing; the same
 * key with other input is `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`), the mandatory
 * `changeFromQuantity` and its compare-and-swap, `userErrors` for unknown items, and paginated
 * inventory levels.
 */
export class ShopifyAdminServer extends JsonApiServer {
  readonly items = new Map<string, Item>();
  private readonly results = new Map<string, { input: string; payload: unknown }>();
  private groups = 0;

  constructor(
    readonly accessToken: string,
    private readonly levelsPerPage = 100,
  ) {
    super((request) => this.handle(request));
  }

  stock(itemId: string, locationId: string, available: number, tracked = true): void {
    const gid = `gid://shopify/InventoryItem/${itemId}`;
    const item = this.items.get(gid) ?? { tracked, levels: new Map() };
    item.levels.set(`gid://shopify/Location/${locationId}`, available);
    this.items.set(gid, item);
  }

  available(itemId: string, locationId: string): number | undefined {
    return this.items.get(`gid://shopify/InventoryItem/${itemId}`)?.levels.get(`gid://shopify/Location/${locationId}`);
  }

  private handle(request: RecordedRequest): { status: number; body: unknown } {
    if (!/^\/admin\/api\/[\w-]+\/graphql\.json$/.test(request.path) || request.method !== 'POST')
      return { status: 404, body: { errors: 'Not Found' } };
    if (request.headers['x-shopify-access-token'] !== this.accessToken) {
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    }
    const { query, variables } = request.body as { query: string; variables: Record<string, unknown> };
    if (query.includes('inventoryAdjustQuantities')) return this.adjust(query, variables);
    if (query.includes('nodes(ids:'))
      return ok({ nodes: (variables.ids as string[]).map((id) => this.itemNode(id, null)) });
    if (query.includes('inventoryItem(id:'))
      return ok({ inventoryItem: this.itemNode(variables.id as string, variables.after as string) });
    return { status: 200, body: { errors: [{ message: 'unknown operation', extensions: { code: 'BAD_REQUEST' } }] } };
  }

  private adjust(query: string, variables: Record<string, unknown>): { status: number; body: unknown } {
    const key = variables.idempotencyKey;
    if (!query.includes('@idempotent(key: $idempotencyKey)') || typeof key !== 'string') {
      return {
        status: 200,
        body: {
          errors: [
            { message: 'An idempotency key is required for this mutation.', extensions: { code: 'BAD_REQUEST' } },
          ],
        },
      };
    }
    const input = variables.input as {
      changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null }[];
    };
    if (input.changes.some((change) => !('changeFromQuantity' in change))) {
      return {
        status: 200,
        body: { errors: [{ message: 'changeFromQuantity must be provided.', extensions: { code: 'BAD_REQUEST' } }] },
      };
    }
    const fingerprint = JSON.stringify(input);
    const earlier = this.results.get(key);
    if (earlier && earlier.input !== fingerprint) {
      return ok({
        inventoryAdjustQuantities: userErrors(
          'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
          'The same idempotency key cannot be used with different operation parameters.',
        ),
      });
    }
    if (earlier) return ok({ inventoryAdjustQuantities: earlier.payload });
    const payload = this.apply(input.changes);
    this.results.set(key, { input: fingerprint, payload });
    return ok({ inventoryAdjustQuantities: payload });
  }

  private apply(
    changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null }[],
  ): unknown {
    for (const change of changes) {
      const item = this.items.get(change.inventoryItemId);
      if (!item) return userErrors('INVALID_INVENTORY_ITEM', 'The specified inventory item could not be found.');
      const current = item.levels.get(change.locationId);
      if (current === undefined)
        return userErrors('ITEM_NOT_STOCKED_AT_LOCATION', 'The inventory item is not stocked at the location.');
      if (change.changeFromQuantity != null && change.changeFromQuantity !== current) {
        return userErrors(
          'CHANGE_FROM_QUANTITY_STALE',
          'The changeFromQuantity argument no longer matches the persisted quantity.',
        );
      }
    }
    const applied = changes.map((change) => {
      const levels = this.items.get(change.inventoryItemId)!.levels;
      const after = levels.get(change.locationId)! + change.delta;
      levels.set(change.locationId, after);
      return {
        name: 'available',
        delta: change.delta,
        quantityAfterChange: after,
        item: { id: change.inventoryItemId },
        location: { id: change.locationId },
      };
    });
    this.groups++;
    return {
      inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${this.groups}`, changes: applied },
      userErrors: [],
    };
  }

  private itemNode(gid: string, after: string | null): unknown {
    const item = this.items.get(gid);
    if (!item) return null;
    const start = after ? Number(after) : 0;
    const all = [...item.levels.entries()];
    const page = all.slice(start, start + this.levelsPerPage);
    const end = start + page.length;
    return {
      id: gid,
      tracked: item.tracked,
      inventoryLevels: {
        nodes: page.map(([location, available]) => ({
          location: { id: location },
          quantities: [{ name: 'available', quantity: available }],
        })),
        pageInfo: { hasNextPage: end < all.length, endCursor: end < all.length ? String(end) : null },
      },
    };
  }
}

function ok(data: unknown): { status: number; body: unknown } {
  return { status: 200, body: { data, extensions: { cost: COST } } };
}

function userErrors(code: string, message: string): unknown {
  return { inventoryAdjustmentGroup: null, userErrors: [{ code, field: ['input', 'changes', '0'], message }] };
}
