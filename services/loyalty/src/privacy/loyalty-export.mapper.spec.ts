import type { CouponDocument } from '../coupons/coupon.document';
import { loyaltyExport, type LoyaltyHoldings } from './loyalty-export.mapper';

const member = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const referrer = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const referred = 'cccccccccccccccccccccccc';
const now = new Date('2026-12-05T08:00:00Z');

const nothing: LoyaltyHoldings = {
  account: null,
  entries: [],
  tier: null,
  coupons: [],
  referrals: [],
  refusals: [],
  erasure: null,
};

describe('loyaltyExport', () => {
  it('is empty for a member loyalty holds nothing about', () => {
    expect(loyaltyExport(member, nothing, now)).toEqual({
      memberId: member,
      account: null,
      entries: [],
      tier: null,
      coupons: [],
      referrals: [],
      couponRefusals: [],
    });
  });

  it('hands over the account, the entries (refused spends marked), the tier months and both sides of referrals', () => {
    const at = new Date('2026-11-20T02:00:00Z');
    const exported = loyaltyExport(
      member,
      {
        ...nothing,
        account: {
          _id: member,
          balance: 150,
          locked: [{ entryId: 'earn:T1', points: 100, until: new Date('2026-12-10T00:00:00Z') }],
          expiring: { '2027-11': 150 },
          debited: 0,
          openedAt: at,
        },
        entries: [
          {
            _id: 'adjust:x:k1',
            memberId: member,
            kind: 'adjust',
            points: 50,
            lines: [],
            reason: 'goodwill after a late delivery',
            staffId: 'E042',
            at,
            postedAt: at,
          },
          {
            _id: 'redeem:x:k2',
            memberId: member,
            kind: 'redeem',
            points: 0,
            lines: [],
            at,
            postedAt: at,
            rejected: { requestedPoints: 900, balance: 150, available: 50 },
          },
        ],
        tier: {
          _id: member,
          tier: 'regular',
          months: { '2026-10': { cents: 500, tx: ['t1'] }, '2026-11': { cents: 1200, tx: ['t2'] } },
        },
        referrals: [
          { _id: member, referrerId: referrer, registeredAt: at },
          { _id: referred, referrerId: member, registeredAt: at, firstSale: 'T9' },
        ],
        refusals: [
          {
            _id: `K7QX4M9PRT:api:${member}:key-1`,
            memberId: member,
            code: 'COUPON.EXPIRED',
            reason: 'expired',
            at,
          },
        ],
        erasure: {
          _id: member,
          erasedAt: at,
          eventId: 'e1',
          receivedAt: at,
          duplicates: [],
          completedAt: now,
        },
      },
      now,
    );
    expect(exported.account).toEqual({ balance: 150, available: 50, expiring: { '2027-11': 150 } });
    expect(exported.entries).toEqual([
      expect.objectContaining({ entryId: 'adjust:x:k1', reason: 'goodwill after a late delivery' }),
      expect.objectContaining({ entryId: 'redeem:x:k2', refused: true }),
    ]);
    expect(exported.entries[0]).not.toHaveProperty('refused');
    expect(exported.tier).toEqual({
      tier: 'regular',
      months: [
        { month: '2026-11', cents: 1200 },
        { month: '2026-10', cents: 500 },
      ],
    });
    expect(exported.referrals).toEqual([
      { role: 'referred-by', memberId: referrer, registeredAt: at.toISOString(), settled: false },
      { role: 'referred', memberId: referred, registeredAt: at.toISOString(), settled: true },
    ]);
    expect(exported.couponRefusals).toEqual([
      { code: 'K7QX4M9PRT', refusal: 'COUPON.EXPIRED', reason: 'expired', at: at.toISOString() },
    ]);
    expect(exported.erasure).toEqual({
      erasedAt: at.toISOString(),
      completedAt: now.toISOString(),
    });
  });

  it('shows coupons through the allow-list view, without the cause or issuedTo', () => {
    const coupon: CouponDocument = {
      _id: 'K7QX4M9PRT',
      memberId: member,
      definitionId: 'd1',
      name: '¥5 welcome',
      purpose: 'welcome',
      cause: `welcome:${member}`,
      terms: {
        amountOffCents: 500,
        minimumSpendCents: 0,
        eligibleCategories: [],
        rxEligible: false,
      },
      validFrom: now,
      validUntil: new Date(now.getTime() + 86_400_000),
      issuedAt: now,
      issuedTo: referrer,
    };
    const [view] = loyaltyExport(member, { ...nothing, coupons: [coupon] }, now).coupons;
    expect(view).toMatchObject({ code: 'K7QX4M9PRT', status: 'available' });
    expect(JSON.stringify(view)).not.toContain(referrer);
  });
});
