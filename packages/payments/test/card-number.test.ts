import { describe, expect, it } from 'vitest';
import { parseCardNumber, TEST_CARDS } from '@liveshop/payments';

describe('parseCardNumber', () => {
  it('reads every documented test card, grouped or not, as a Visa with its last four digits', () => {
    for (const card of Object.values(TEST_CARDS)) {
      const grouped = parseCardNumber(card);
      expect(grouped, card).toEqual({ digits: card.replaceAll(' ', ''), brand: 'visa', last4: card.slice(-4) });
      expect(parseCardNumber(card.replaceAll(' ', ''))).toEqual(grouped);
      expect(parseCardNumber(`  ${card} `)).toEqual(grouped);
    }
  });

  it('names the brand from the issuer range', () => {
    expect(parseCardNumber('5555 5555 5555 4444')?.brand).toBe('mastercard');
    expect(parseCardNumber('2223 0031 2200 3222')?.brand).toBe('mastercard');
    expect(parseCardNumber('3782 822463 10005')?.brand).toBe('amex');
    expect(parseCardNumber('6011 1111 1111 1117')?.brand).toBe('discover');
    expect(parseCardNumber('3566 0020 2036 0505')?.brand).toBe('jcb');
    expect(parseCardNumber('3056 9300 0902 0004')?.brand).toBe('diners');
    expect(parseCardNumber('6200 0000 0000 0005')?.brand).toBe('unionpay');
    expect(parseCardNumber('9999 9999 9999 9995')?.brand).toBe('unknown');
  });

  it('refuses malformed numbers', () => {
    for (const input of [
      '',
      '4242 4242 4242 4241', // Luhn
      '4242-4242-4242-4242',
      '4242  4242 4242 4242',
      '4242 4242 4242 424a',
      '４２４２４２４２４２４２４２４２',
      '4242 4242 424', // too short
      '4242 4242 4242 4242 4242', // 20 digits
      '0'.repeat(41),
      4242424242424242,
      null,
      undefined,
      { card: '4242424242424242' },
    ]) {
      expect(parseCardNumber(input), String(input)).toBeUndefined();
    }
  });

  it('catches every single-digit typo in valid numbers (Luhn)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round++) {
      const body = Array.from({ length: 15 }, () => Math.floor(random() * 10)).join('');
      const valid = [...'0123456789'].map((check) => body + check).find((digits) => parseCardNumber(digits));
      expect(valid, body).toBeDefined();
      const position = Math.floor(random() * 16);
      const wrong = (Number(valid![position]) + 1 + Math.floor(random() * 9)) % 10;
      const typo = valid!.slice(0, position) + String(wrong) + valid!.slice(position + 1);
      expect(parseCardNumber(typo), typo).toBeUndefined();
    }
  });
});
