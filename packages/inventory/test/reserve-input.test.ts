import { describe, expect, it } from 'vitest';
import { reserveInput } from '@liveshop/protocol';
import { acceptReserveInput } from '../src/reserve-input.js';
import { seededRandom } from './prng.js';

const valid = { eventId: 'ev-1', sku: 'TEE.M:1_b-2', qty: 3, shopperId: 's1', idempotencyKey: 'k:1.2-3_4' };

describe('acceptReserveInput', () => {
  it('accepts a valid input and returns the same values as the schema', () => {
    expect(acceptReserveInput(valid)).toEqual(reserveInput.parse(valid));
  });

  it('never accepts what the schema refuses, and agrees on every value it accepts', () => {
    const random = seededRandom(20_240_601);
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
    const strings = [
      '',
      'a',
      'A9',
      '-a',
      'a~b',
      'a b',
      'a{b}',
      'x'.repeat(64),
      'x'.repeat(65),
      'x'.repeat(128),
      'x'.repeat(129),
      'é',
      'a.b',
      'a_b',
      'a:b',
      '__proto__',
      'constructor',
    ];
    const values = [
      ...strings,
      0,
      1,
      -1,
      1.5,
      1_000_000,
      1_000_001,
      Number.NaN,
      Infinity,
      '1',
      null,
      undefined,
      true,
      [],
      {},
      [1],
      new String('a'),
    ];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const input: Record<string, unknown> = { ...valid };
      for (const key of Object.keys(valid)) if (random() < 0.3) input[key] = pick(values);
      if (random() < 0.05) delete input[pick(Object.keys(valid))];
      if (random() < 0.05) input[pick(['extra', 'shopper', '__proto__'])] = 1;
      const subject = random() < 0.03 ? Object.assign(Object.create(null) as object, input) : input;
      const fast = acceptReserveInput(subject);
      const schema = reserveInput.safeParse(subject);
      if (fast) {
        accepted += 1;
        expect(schema.success).toBe(true);
        expect(fast).toEqual(schema.data);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('leaves non-plain objects to the schema', () => {
    class Input {
      eventId = 'e';
      sku = 's';
      qty = 1;
      shopperId = 's1';
      idempotencyKey = 'k';
    }
    expect(acceptReserveInput(new Input())).toBeNull();
    expect(acceptReserveInput(JSON.parse('{"__proto__": {"x": 1}, "eventId": "e"}'))).toBeNull();
    expect(acceptReserveInput([valid])).toBeNull();
    expect(acceptReserveInput('valid')).toBeNull();
  });
});
