import { describe, expect, it } from 'vitest';
import { parseCountsCsv } from '@liveshop/pos';

describe('counts CSV', () => {
  it('reads counts with or without a header, with quotes, CRLF, a BOM and blank lines', () => {
    const text =
      '\uFEFFposItemId,posLocationId,onHand\r\n271878346596884015,24826418,3\r\n\r\n"SKU,RED",store-1,0\n"SKU""Q""",store-1,-2\n';
    expect(parseCountsCsv(text, 'shopify')).toEqual({
      counts: [
        { provider: 'shopify', posItemId: '271878346596884015', posLocationId: '24826418', onHand: 3 },
        { provider: 'shopify', posItemId: 'SKU,RED', posLocationId: 'store-1', onHand: 0 },
        { provider: 'shopify', posItemId: 'SKU"Q"', posLocationId: 'store-1', onHand: -2 },
      ],
      errors: [],
    });
    expect(parseCountsCsv('A,L,1', 'generic').counts).toEqual([
      { provider: 'generic', posItemId: 'A', posLocationId: 'L', onHand: 1 },
    ]);
  });

  it('reports every bad line by number and keeps the good ones', () => {
    const text = [
      'posItemId,posLocationId,onHand',
      'A,L1,5',
      'B,L1',
      'C,L1,2.5',
      'D,L1,abc',
      ',L1,1',
      'E F,L1,1',
      'G,L1,1,extra',
      'A,L1,6',
      '"H,L1,1',
      'I"x,L1,1',
      `J,L1,${2_000_000_000}`,
      'K,L2,-0',
      `${'x'.repeat(129)},L1,1`,
    ].join('\n');
    const { counts, errors } = parseCountsCsv(text, 'square');
    expect(counts).toEqual([
      { provider: 'square', posItemId: 'A', posLocationId: 'L1', onHand: 5 },
      { provider: 'square', posItemId: 'K', posLocationId: 'L2', onHand: 0 },
    ]);
    expect(errors).toEqual([
      { line: 3, message: 'expected 3 fields (posItemId,posLocationId,onHand), found 2' },
      { line: 4, message: 'onHand "2.5" is not a whole number within ±1000000000' },
      { line: 5, message: 'onHand "abc" is not a whole number within ±1000000000' },
      { line: 6, message: 'posItemId must be 1–128 printable characters without spaces' },
      { line: 7, message: 'posItemId must be 1–128 printable characters without spaces' },
      { line: 8, message: 'expected 3 fields (posItemId,posLocationId,onHand), found 4' },
      { line: 9, message: 'A at L1 was already counted on line 2' },
      { line: 10, message: 'a quoted field is not closed' },
      { line: 11, message: 'a quote inside an unquoted field' },
      { line: 12, message: 'onHand "2000000000" is not a whole number within ±1000000000' },
      { line: 14, message: 'posItemId must be 1–128 printable characters without spaces' },
    ]);
  });

  it('refuses a file of more than 100,000 lines', () => {
    const text = 'A,L,1\n'.repeat(100_001);
    expect(parseCountsCsv(text, 'generic')).toEqual({
      counts: [],
      errors: [{ line: 100_001, message: 'more than 100000 lines' }],
    });
  });
});
