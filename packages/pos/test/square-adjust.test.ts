import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adjustmentKey, createSquareInventoryClient, type PosAdjustment } from '@liveshop/pos';
import { SquareApiServer, squareErrors } from '@liveshop/pos/testing';

const TOKEN = 'EAAAl0ZmY2NjYzYzZjNhNzQ0MmJlNmVlZGVkNDQ4';
const LOCATION = 'S8GWD5R9QB376';

let square: SquareApiServer;
beforeEach(async () => {
  square = await new SquareApiServer(TOKEN).start();
  square.stock('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION, 10);
});
afterEach(() => square.stop());

const client = (timeoutMs = 5000) => createSquareInventoryClient({ accessToken: TOKEN, apiUrl: square.url, timeoutMs });

function sale(
  orderId: string,
  lines: PosAdjustment['lines'] = [{ posItemId: 'FGQ5JJWT2PYTHF35CKZ2DSKP', posLocationId: LOCATION, qty: 2 }],
): PosAdjustment {
  return {
    idempotencyKey: adjustmentKey('sale', orderId, 'square'),
    kind: 'sale',
    referenceId: orderId,
    occurredAt: Date.parse('2026-11-30T10:00:00.123Z'),
    lines,
  };
}

describe('Square batch-create adjustments', () => {
  it('sends ADJUSTMENT changes with the idempotency key, token and Square-Version, and applies them', async () => {
    const adjustment = sale('LS-2001');
    expect(await client().adjust(adjustment)).toEqual({
      ok: true,
      provider: 'square',
      idempotencyKey: adjustment.idempotencyKey,
      after: [{ provider: 'square', posItemId: 'FGQ5JJWT2PYTHF35CKZ2DSKP', posLocationId: LOCATION, onHand: 8 }],
    });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
    const [request] = square.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v2/inventory/changes/batch-create');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['square-version']).toBe('2026-09-16');
    expect(request!.body).toEqual({
      idempotency_key: adjustment.idempotencyKey,
      changes: [
        {
          type: 'ADJUSTMENT',
          adjustment: {
            reference_id: 'LS-2001',
            from_state: 'IN_STOCK',
            to_state: 'SOLD',
            from_location_id: LOCATION,
            to_location_id: LOCATION,
            catalog_object_id: 'FGQ5JJWT2PYTHF35CKZ2DSKP',
            quantity: '2',
            occurred_at: '2026-11-30T10:00:00.123Z',
          },
        },
      ],
    });
  });

  it('restocks returned units from UNLINKED_RETURN to IN_STOCK', async () => {
    expect(
      await client().adjust({
        ...sale('LS-2002'),
        kind: 'restock',
        idempotencyKey: adjustmentKey('refund', 'LS-2002'),
      }),
    ).toMatchObject({ ok: true, after: [{ onHand: 12 }] });
    expect(square.requests[0]!.body).toMatchObject({
      changes: [{ adjustment: { from_state: 'UNLINKED_RETURN', to_state: 'IN_STOCK' } }],
    });
  });

  it('applies a sale once however often it is sent with its key', async () => {
    const adjustment = sale('LS-2003');
    const results = await Promise.all([client().adjust(adjustment), client().adjust(adjustment)]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
  });

  it('splits more than 100 changes into calls of 100 with their own stable keys; a retry after a partial failure applies each once', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => ({ posItemId: `VAR${i}`, posLocationId: LOCATION, qty: 1 }));
    for (const line of lines) square.stock(line.posItemId, LOCATION, 5);
    const adjustment = sale('LS-2004', lines);
    square.faults.push(
      { kind: 'slow', delayMs: 0 },
      {
        kind: 'status',
        status: 500,
        body: squareErrors('API_ERROR', 'INTERNAL_SERVER_ERROR', 'An internal error has occurred.'),
      },
    );
    const first = await client().adjust(adjustment);
    expect(first).toMatchObject({
      ok: false,
      code: 'server_error',
      retryable: true,
      httpStatus: 500,
      posErrorCodes: ['INTERNAL_SERVER_ERROR'],
    });
    expect(square.quantity('VAR0', LOCATION)).toBe(4);
    expect(square.quantity('VAR100', LOCATION)).toBe(5);

    const retried = await client().adjust(adjustment);
    expect(retried).toMatchObject({ ok: true });
    expect(retried.ok && retried.after).toHaveLength(250);
    const sizes = square.requests.map((request) => (request.body as { changes: unknown[] }).changes.length);
    expect(sizes).toEqual([100, 100, 100, 100, 50]);
    const keys = square.requests.map((request) => (request.body as { idempotency_key: string }).idempotency_key);
    expect(new Set(keys.slice(2)).size).toBe(3);
    expect(keys[0]).toBe(keys[2]);
    expect(keys[1]).toBe(keys[3]);
    expect(keys).not.toContain(adjustment.idempotencyKey);
    for (const line of lines) expect(square.quantity(line.posItemId, LOCATION)).toBe(4);
  });

  it("reports Square's 400 errors as permanent with their codes, and a reused key as a conflict", async () => {
    expect(
      await client().adjust(sale('LS-2005', [{ posItemId: 'UNKNOWN', posLocationId: LOCATION, qty: 1 }])),
    ).toMatchObject({
      ok: false,
      code: 'rejected',
      retryable: false,
      httpStatus: 400,
      posErrorCodes: ['NOT_FOUND'],
    });
    await client().adjust(sale('LS-2006'));
    const reused = sale('LS-2006', [{ posItemId: 'FGQ5JJWT2PYTHF35CKZ2DSKP', posLocationId: LOCATION, qty: 3 }]);
    expect(await client().adjust(reused)).toMatchObject({
      ok: false,
      code: 'idempotency_conflict',
      retryable: false,
      posErrorCodes: ['IDEMPOTENCY_KEY_REUSED'],
    });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
  });

  it('reports 429 with its Retry-After and 5xx as retryable, a bad token as permanent', async () => {
    square.faults.push({
      kind: 'status',
      status: 429,
      body: squareErrors('RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Rate limited.'),
      headers: { 'retry-after': '3' },
    });
    expect(await client().adjust(sale('LS-2007'))).toMatchObject({
      ok: false,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 3000,
      posErrorCodes: ['RATE_LIMITED'],
    });
    square.faults.push({
      kind: 'status',
      status: 503,
      body: squareErrors('API_ERROR', 'SERVICE_UNAVAILABLE', 'Service unavailable.'),
    });
    expect(await client().adjust(sale('LS-2007'))).toMatchObject({
      ok: false,
      code: 'server_error',
      retryable: true,
      httpStatus: 503,
    });
    // A proxy's HTML error page under a JSON content type: the SDK cannot read it (nor keeps its status).
    square.faults.push({ kind: 'status', status: 502, body: '<html>Bad Gateway</html>' });
    expect(await client().adjust(sale('LS-2007'))).toMatchObject({ ok: false, retryable: true });
    const wrongToken = createSquareInventoryClient({ accessToken: 'EAAA-wrong', apiUrl: square.url });
    expect(await wrongToken.adjust(sale('LS-2007'))).toMatchObject({
      ok: false,
      code: 'unauthorized',
      retryable: false,
      httpStatus: 401,
      posErrorCodes: ['UNAUTHORIZED'],
    });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(10);
  });

  it('times out as retryable; the retry with the same key finds the lost answer and nothing applies twice', async () => {
    square.faults.push({ kind: 'slow', delayMs: 1500 });
    const adjustment = sale('LS-2008');
    expect(await client(300).adjust(adjustment)).toMatchObject({ ok: false, code: 'timeout', retryable: true });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
    expect(await client(300).adjust(adjustment)).toMatchObject({ ok: true, after: [{ onHand: 8 }] });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
  });

  it('fails retryably while the API is down and applies once when it is back', async () => {
    const adjustment = sale('LS-2009');
    await square.stop();
    for (let attempt = 0; attempt < 3; attempt++)
      expect(await client().adjust(adjustment)).toMatchObject({ ok: false, code: 'network', retryable: true });
    await square.start();
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(square.quantity('FGQ5JJWT2PYTHF35CKZ2DSKP', LOCATION)).toBe(8);
  });

  it('refuses an invalid adjustment without calling Square', async () => {
    expect(
      await client().adjust({ ...sale('LS-2010'), lines: [{ posItemId: 'A', posLocationId: LOCATION, qty: -1 }] }),
    ).toMatchObject({ code: 'invalid_request' });
    expect(await client().adjust({ ...sale('LS-2010'), occurredAt: Number.NaN })).toMatchObject({
      code: 'invalid_request',
    });
    expect(square.requests).toHaveLength(0);
  });
});

describe('Square count pull', () => {
  it('follows the cursor and reads decimal counts as whole units', async () => {
    const paged = await new SquareApiServer(TOKEN, 2).start();
    try {
      paged.stock('V1', 'L1', '4');
      paged.stock('V1', 'L2', '2.5');
      paged.stock('V2', 'L1', '-1');
      paged.stock('V3', 'L1', '0');
      paged.stock('V9', 'L1', '7');
      const pull = createSquareInventoryClient({ accessToken: TOKEN, apiUrl: paged.url });
      expect(await pull.fetchCounts({ posItemIds: ['V1', 'V2', 'V3', 'V4'] })).toEqual({
        ok: true,
        provider: 'square',
        counts: [
          { provider: 'square', posItemId: 'V1', posLocationId: 'L1', onHand: 4 },
          { provider: 'square', posItemId: 'V1', posLocationId: 'L2', onHand: 2 },
          { provider: 'square', posItemId: 'V2', posLocationId: 'L1', onHand: -1 },
          { provider: 'square', posItemId: 'V3', posLocationId: 'L1', onHand: 0 },
        ],
      });
      expect(paged.requests.map((request) => request.body)).toEqual([
        { catalog_object_ids: ['V1', 'V2', 'V3', 'V4'], states: ['IN_STOCK'] },
        { catalog_object_ids: ['V1', 'V2', 'V3', 'V4'], states: ['IN_STOCK'], cursor: '2' },
      ]);
      expect(await pull.fetchCounts({ posItemIds: ['V1'], posLocationIds: ['L2'] })).toMatchObject({
        ok: true,
        counts: [{ posLocationId: 'L2', onHand: 2 }],
      });
      paged.faults.push({
        kind: 'status',
        status: 500,
        body: squareErrors('API_ERROR', 'INTERNAL_SERVER_ERROR', 'boom'),
      });
      expect(await pull.fetchCounts({ posItemIds: ['V1'] })).toMatchObject({
        ok: false,
        code: 'server_error',
        retryable: true,
      });
    } finally {
      await paged.stop();
    }
  });
});
