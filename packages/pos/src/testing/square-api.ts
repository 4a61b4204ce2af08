import { JsonApiServer, type RecordedRequest } from './http-server.js';

interface Adjustment {
  reference_id?: string;
  from_state?: string;
  to_state?: string;
  from_location_id?: string;
  to_location_id?: string;
  catalog_object_id?: string;
  quantity?: string;
  occurred_at?: string;
}

const TRANSITIONS = new Set(['IN_STOCK>SOLD', 'UNLINKED_RETURN>IN_STOCK']);

/** A Square error body: `{errors:[{category, code, detail, field}]}`. */
export function squareErrors(category: string, code: string, detail: string, field?: string): unknown {
  return { errors: [{ category, code, detail, ...(field ? { field } : {}) }] };
}

/**
 * A stand-in for Square's Inventory API that keeps `IN_STOCK` counts and implements the documented
 * behaviour this package relies on: the bearer token, at most 100 changes per `batch-create`, the
 * idempotency key (a repeat answers the first response and changes nothing; the same key with
 * another body is `IDEMPOTENCY_KEY_REUSED`), the errors array, and cursor pagination of
 * `counts/batch-retrieve`.
 */
export class SquareApiServer extends JsonApiServer {
  /** `${catalogObjectId}@${locationId}` → IN_STOCK quantity as Square's decimal string. */
  readonly inStock = new Map<string, string>();
  private readonly results = new Map<string, { body: string; response: unknown }>();

  constructor(
    readonly accessToken: string,
    private readonly countsPerPage = 100,
  ) {
    super((request) => this.handle(request));
  }

  stock(itemId: string, locationId: string, quantity: number | string): void {
    this.inStock.set(`${itemId}@${locationId}`, String(quantity));
  }

  quantity(itemId: string, locationId: string): number | undefined {
    const value = this.inStock.get(`${itemId}@${locationId}`);
    return value === undefined ? undefined : Number(value);
  }

  private handle(request: RecordedRequest): { status: number; body: unknown } {
    if (request.headers.authorization !== `Bearer ${this.accessToken}`) {
      return {
        status: 401,
        body: squareErrors('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'),
      };
    }
    if (request.method === 'POST' && request.path === '/v2/inventory/changes/batch-create')
      return this.batchCreate(request.body as Record<string, unknown>);
    if (request.method === 'POST' && request.path === '/v2/inventory/counts/batch-retrieve')
      return this.batchRetrieve(request.body as Record<string, unknown>);
    return { status: 404, body: squareErrors('INVALID_REQUEST_ERROR', 'NOT_FOUND', `${request.path} not found`) };
  }

  private batchCreate(body: Record<string, unknown>): { status: number; body: unknown } {
    const key = body.idempotency_key;
    if (typeof key !== 'string' || key === '') {
      return {
        status: 400,
        body: squareErrors(
          'INVALID_REQUEST_ERROR',
          'MISSING_REQUIRED_PARAMETER',
          'Missing required parameter.',
          'idempotency_key',
        ),
      };
    }
    const fingerprint = JSON.stringify(body);
    const earlier = this.results.get(key);
    if (earlier && earlier.body !== fingerprint) {
      return {
        status: 400,
        body: squareErrors(
          'INVALID_REQUEST_ERROR',
          'IDEMPOTENCY_KEY_REUSED',
          'The idempotency key was already used for another request.',
          'idempotency_key',
        ),
      };
    }
    if (earlier) return { status: 200, body: earlier.response };
    const changes = (body.changes ?? []) as { type: string; adjustment?: Adjustment }[];
    if (changes.length > 100) {
      return {
        status: 400,
        body: squareErrors(
          'INVALID_REQUEST_ERROR',
          'ARRAY_LENGTH_TOO_LONG',
          'At most 100 changes per request.',
          'changes',
        ),
      };
    }
    for (const [index, change] of changes.entries()) {
      const problem = this.problemWith(change);
      if (problem)
        return {
          status: 400,
          body: squareErrors('INVALID_REQUEST_ERROR', problem.code, problem.detail, `changes[${index}].adjustment`),
        };
    }
    const counts = changes.map(({ adjustment }) => {
      const stockKey = `${adjustment!.catalog_object_id}@${adjustment!.from_location_id}`;
      const sign = adjustment!.to_state === 'SOLD' ? -1 : 1;
      const after = Number(this.inStock.get(stockKey)) + sign * Number(adjustment!.quantity);
      this.inStock.set(stockKey, String(after));
      return countOf(adjustment!.catalog_object_id!, adjustment!.from_location_id!, String(after));
    });
    const response = { counts, changes };
    this.results.set(key, { body: fingerprint, response });
    return { status: 200, body: response };
  }

  private problemWith(change: { type: string; adjustment?: Adjustment }): { code: string; detail: string } | undefined {
    const adjustment = change.adjustment;
    if (change.type !== 'ADJUSTMENT' || !adjustment)
      return { code: 'INVALID_VALUE', detail: 'Expected an ADJUSTMENT.' };
    if (!adjustment.from_location_id || adjustment.from_location_id !== adjustment.to_location_id) {
      return { code: 'INVALID_VALUE', detail: 'from_location_id and to_location_id must name the location.' };
    }
    if (!TRANSITIONS.has(`${adjustment.from_state}>${adjustment.to_state}`))
      return { code: 'INVALID_VALUE', detail: 'Unsupported state transition.' };
    if (!/^\d+(\.\d{1,5})?$/.test(adjustment.quantity ?? ''))
      return { code: 'INVALID_VALUE', detail: 'quantity must be a decimal string.' };
    if (!adjustment.occurred_at) return { code: 'MISSING_REQUIRED_PARAMETER', detail: 'occurred_at is required.' };
    if (!this.inStock.has(`${adjustment.catalog_object_id}@${adjustment.from_location_id}`)) {
      return {
        code: 'NOT_FOUND',
        detail: `Catalog object ${adjustment.catalog_object_id} is not tracked at ${adjustment.from_location_id}.`,
      };
    }
    return undefined;
  }

  private batchRetrieve(body: Record<string, unknown>): { status: number; body: unknown } {
    const ids = new Set((body.catalog_object_ids ?? []) as string[]);
    const locations = body.location_ids ? new Set(body.location_ids as string[]) : undefined;
    const matching = [...this.inStock.entries()]
      .map(([key, quantity]) => ({ key: key.split('@') as [string, string], quantity }))
      .filter(({ key: [item, location] }) => ids.has(item) && (!locations || locations.has(location)));
    const start = typeof body.cursor === 'string' ? Number(body.cursor) : 0;
    const page = matching.slice(start, start + this.countsPerPage);
    const end = start + page.length;
    return {
      status: 200,
      body: {
        counts: page.map(({ key: [item, location], quantity }) => countOf(item, location, quantity)),
        ...(end < matching.length ? { cursor: String(end) } : {}),
      },
    };
  }
}

function countOf(item: string, location: string, quantity: string): unknown {
  return {
    catalog_object_id: item,
    catalog_object_type: 'ITEM_VARIATION',
    state: 'IN_STOCK',
    location_id: location,
    quantity,
    calculated_at: new Date().toISOString(),
  };
}
