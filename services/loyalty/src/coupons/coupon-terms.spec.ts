import { ErrorCode } from '@crm/contracts';
import {
  type CouponTerms,
  couponStatus,
  priceCoupon,
  unusableAt,
  validityOf,
} from './coupon-terms';

const terms = (overrides: Partial<CouponTerms> = {}): CouponTerms => ({
  minimumSpendCents: 0,
  eligibleCategories: [],
  rxEligible: false,
  ...overrides,
});
const line = (category: string, unitPriceCents: number, quantity = 1, rx = false) => ({
  category,
  rx,
  quantity,
  unitPriceCents,
});

describe('coupon discount', () => {
  it('takes an amount off, never more than the eligible spend', () => {
    expect(priceCoupon(terms({ amountOffCents: 2000 }), { amountCents: 12_000 })).toEqual({
      discountCents: 2000,
      eligibleCents: 12_000,
      orderCents: 12_000,
    });
    expect(priceCoupon(terms({ amountOffCents: 2000 }), { amountCents: 1500 })).toMatchObject({
      discountCents: 1500,
    });
  });

  it('takes a percent of the eligible items, rounded down, up to its cap', () => {
    const order = { lines: [line('vitamins', 2990, 3), line('devices', 10_000)] };
    expect(priceCoupon(terms({ percentOff: 10 }), order)).toEqual({
      discountCents: 1897, // 10 % of 18,970
      eligibleCents: 18_970,
      orderCents: 18_970,
    });
    expect(priceCoupon(terms({ percentOff: 10, maxDiscountCents: 1000 }), order)).toMatchObject({
      discountCents: 1000,
    });
    expect(priceCoupon(terms({ percentOff: 10, eligibleCategories: ['vitamins'] }), order)).toEqual(
      { discountCents: 897, eligibleCents: 8970, orderCents: 18_970 },
    );
  });

  it('never discounts prescription items unless the terms say so', () => {
    const order = { lines: [line('osteoporosis', 5800, 1, true), line('vitamins', 2000)] };
    expect(priceCoupon(terms({ percentOff: 50 }), order)).toMatchObject({
      discountCents: 1000,
      eligibleCents: 2000,
      orderCents: 7800,
    });
    expect(priceCoupon(terms({ percentOff: 50, rxEligible: true }), order)).toMatchObject({
      discountCents: 3900,
    });
  });

  it('refuses an order below the minimum eligible spend, or with nothing eligible', () => {
    const order = { lines: [line('vitamins', 5000), line('devices', 6000)] };
    const minimum = terms({
      amountOffCents: 1000,
      minimumSpendCents: 10_000,
      eligibleCategories: ['vitamins'],
    });
    expect(priceCoupon(minimum, order)).toMatchObject({ code: ErrorCode.COUPON_MINIMUM_SPEND });
    expect(
      priceCoupon(terms({ amountOffCents: 1000, eligibleCategories: ['skin-care'] }), order),
    ).toMatchObject({ code: ErrorCode.COUPON_NOT_APPLICABLE });
    expect(
      priceCoupon(terms({ amountOffCents: 1000 }), { lines: [line('rx', 100, 1, true)] }),
    ).toMatchObject({ code: ErrorCode.COUPON_NOT_APPLICABLE });
  });
});

describe('coupon validity', () => {
  const issuedAt = new Date('2026-11-20T00:00:00Z');

  it('ends at the earlier of the fixed end and the days after issue', () => {
    expect(validityOf({ validDaysAfterIssue: 30 }, issuedAt)).toEqual({
      validFrom: issuedAt,
      validUntil: new Date('2026-12-20T00:00:00Z'),
    });
    const fixed = new Date('2026-12-01T00:00:00Z');
    expect(validityOf({ validUntil: fixed, validDaysAfterIssue: 30 }, issuedAt).validUntil).toEqual(
      fixed,
    );
    const later = new Date('2026-12-10T00:00:00Z');
    expect(validityOf({ validFrom: later, validUntil: new Date('2027-01-01') }, issuedAt)).toEqual({
      validFrom: later,
      validUntil: new Date('2027-01-01'),
    });
  });

  it('tells not yet valid, expired and the status a member sees', () => {
    const coupon = {
      validFrom: new Date('2026-12-01T00:00:00Z'),
      validUntil: new Date('2026-12-31T00:00:00Z'),
    };
    expect(unusableAt(coupon, new Date('2026-11-30T00:00:00Z'))?.code).toBe(
      ErrorCode.COUPON_NOT_YET_VALID,
    );
    expect(unusableAt(coupon, new Date('2026-12-15T00:00:00Z'))).toBeNull();
    expect(unusableAt(coupon, new Date('2027-01-01T00:00:00Z'))?.code).toBe(
      ErrorCode.COUPON_EXPIRED,
    );
    expect(couponStatus(coupon, new Date('2026-12-15'))).toBe('available');
    expect(couponStatus(coupon, new Date('2027-01-02'))).toBe('expired');
    expect(couponStatus({ ...coupon, redemption: {} }, new Date('2027-01-02'))).toBe('redeemed');
  });
});
