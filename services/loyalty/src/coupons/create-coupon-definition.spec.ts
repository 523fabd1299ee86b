import type { CouponDefinitionRequest } from '@crm/contracts';
import { crossFieldErrors } from './create-coupon-definition.handler';
import { localYearMonth } from './birthday-coupons';

const now = new Date('2026-11-22T00:00:00Z');
const base: CouponDefinitionRequest = { name: 'Welcome', purpose: 'welcome', amountOffCents: 500 };

describe('coupon definition fields that must agree', () => {
  it('accepts one discount and an end', () => {
    expect(crossFieldErrors({ ...base, validDaysAfterIssue: 30 }, now)).toEqual([]);
  });

  it('names each field that contradicts another', () => {
    const fields = (request: CouponDefinitionRequest) =>
      crossFieldErrors(request, now).map((e) => e.field);
    expect(fields({ ...base, percentOff: 10, validDaysAfterIssue: 30 })).toEqual(['percentOff']);
    expect(fields({ ...base, maxDiscountCents: 100, validDaysAfterIssue: 30 })).toEqual([
      'maxDiscountCents',
    ]);
    expect(fields(base)).toEqual(['validUntil']);
    expect(fields({ ...base, validUntil: '2026-11-01T00:00:00Z' })).toEqual(['validUntil']);
    expect(
      fields({ ...base, validFrom: '2027-02-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }),
    ).toEqual(['validUntil']);
  });
});

describe('the chain’s local month for birthday coupons', () => {
  it('turns the month at local midnight', () => {
    // 30 November 16:30 UTC is 1 December 00:30 in China.
    expect(localYearMonth(new Date('2026-11-30T16:30:00Z'), 480)).toEqual({
      year: 2026,
      month: 12,
    });
    expect(localYearMonth(new Date('2026-11-30T15:30:00Z'), 480)).toEqual({
      year: 2026,
      month: 11,
    });
    expect(localYearMonth(new Date('2026-12-31T16:00:00Z'), 480)).toEqual({ year: 2027, month: 1 });
  });
});
