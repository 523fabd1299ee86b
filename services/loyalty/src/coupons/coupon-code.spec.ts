import { COUPON_CODE, COUPON_CODE_ALPHABET, normalizeCouponCode } from '@crm/contracts';
import { newCouponCode } from './coupon-code';

describe('coupon codes', () => {
  it('are 10 characters of an alphabet without 0, O, 1, I or L', () => {
    expect(COUPON_CODE_ALPHABET).toHaveLength(31);
    expect(COUPON_CODE_ALPHABET).not.toMatch(/[01ILO]/);
    const codes = Array.from({ length: 2000 }, () => newCouponCode());
    for (const code of codes) expect(code).toMatch(COUPON_CODE);
    expect(new Set(codes).size).toBe(codes.length);
    const used = new Set(codes.join(''));
    expect([...used].sort().join('')).toBe(COUPON_CODE_ALPHABET);
  });

  it('drops bytes that would bias the alphabet', () => {
    // 248 and above are dropped: 31 × 8 = 248 keeps every letter equally likely.
    const bytes = Buffer.from([255, 248, 0, 30, 31, 247, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(newCouponCode(() => bytes)).toBe('2Z2Z345678');
  });

  it('are typed forgivingly: case, spaces and dashes do not matter', () => {
    expect(normalizeCouponCode('k7qx-4m9p rt')).toBe('K7QX4M9PRT');
  });
});
