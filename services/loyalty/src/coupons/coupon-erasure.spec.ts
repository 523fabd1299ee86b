import { referralCause, unlinkedCoupon } from './coupon-erasure';

const ERASED = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const DUPLICATE = 'cccccccccccccccccccccccc';

describe('unlinkedCoupon', () => {
  it('leaves a coupon that ties the erased member to no one alone', () => {
    expect(
      unlinkedCoupon({ _id: 'K7QX4M9PRT', memberId: ERASED, cause: `welcome:${ERASED}` }, ERASED),
    ).toBeNull();
    expect(
      unlinkedCoupon(
        { _id: 'K7QX4M9PRT', memberId: OTHER, cause: `welcome:${OTHER}`, issuedTo: DUPLICATE },
        ERASED,
      ),
    ).toBeNull();
  });

  it("rewrites the cause of the erased referrer's rewards, which name whom they referred", () => {
    expect(
      unlinkedCoupon({ _id: 'K7QX4M9PRT', memberId: ERASED, cause: referralCause(OTHER) }, ERASED),
    ).toEqual({ $set: { cause: 'referral:erased:K7QX4M9PRT' } });
  });

  it("rewrites the cause of the referrer's reward for the erased member's referral", () => {
    expect(
      unlinkedCoupon({ _id: 'HJ3KM4NPQR', memberId: OTHER, cause: referralCause(ERASED) }, ERASED),
    ).toEqual({ $set: { cause: 'referral:erased:HJ3KM4NPQR' } });
  });

  it('drops issuedTo on coupons moved from or to the erased member, once', () => {
    expect(
      unlinkedCoupon(
        { _id: 'K7QX4M9PRT', memberId: ERASED, cause: `welcome:${DUPLICATE}`, issuedTo: DUPLICATE },
        ERASED,
      ),
    ).toEqual({ $unset: { issuedTo: '' } });
    expect(
      unlinkedCoupon(
        { _id: 'K7QX4M9PRT', memberId: OTHER, cause: referralCause(DUPLICATE), issuedTo: ERASED },
        ERASED,
      ),
    ).toEqual({ $unset: { issuedTo: '' } });
    expect(
      unlinkedCoupon(
        { _id: 'K7QX4M9PRT', memberId: ERASED, cause: 'referral:erased:K7QX4M9PRT' },
        ERASED,
      ),
    ).toBeNull();
  });
});
