import { describe, expect, it } from 'vitest';
import { toE164 } from './phone-number.js';

describe('toE164', () => {
  it('reads the ways one North American number is written as the same number', () => {
    for (const written of [
      '+1 (415) 555-0123',
      '415-555-0123',
      '(415) 555 0123',
      '1 415 555 0123',
      '415.555.0123',
      '011 1 415 555 0123',
      '+14155550123',
    ]) {
      expect(toE164(written, '1'), written).toBe('+14155550123');
    }
  });

  it('drops a national trunk 0 and puts the default calling code in front', () => {
    expect(toE164('020 7946 0958', '44')).toBe('+442079460958');
    expect(toE164('+44 20 7946 0958', '44')).toBe('+442079460958');
    expect(toE164('0044 20 7946 0958', '1')).toBe('+442079460958');
  });

  it('refuses what is no phone number', () => {
    for (const bad of [
      '555-555-SHIP',
      '12345',
      '+0 123 456 789',
      '+1234567890123456',
      '',
      '   ',
      'call me',
      42,
      null,
    ]) {
      expect(toE164(bad, '1'), String(bad)).toBeUndefined();
    }
  });
});
