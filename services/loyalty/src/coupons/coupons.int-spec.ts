/**
 * Coupons against the real MongoDB-wire server: one coupon per cause, the per-member limit and
 * each code redeemed at most once, under concurrency.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { COUPON_CODE, ErrorCode } from '@crm/contracts';
import type { LoyaltyOutbox } from '../loyalty-outbox';
import { CouponsRepository } from './coupons.repository';
import type { NewCoupon } from './coupon.document';
import { RedeemCoupon } from './redeem-coupon';

const issuedAt = new Date();
const coupon = (memberId: string, cause: string, definitionId = 'def-1'): NewCoupon => ({
  memberId,
  definitionId,
  name: '¥20 off ¥100',
  purpose: 'manual',
  cause,
  terms: {
    amountOffCents: 2000,
    minimumSpendCents: 10_000,
    eligibleCategories: [],
    rxEligible: false,
  },
  validFrom: issuedAt,
  validUntil: new Date(issuedAt.getTime() + 30 * 86_400_000),
  issuedAt,
});

describe('coupons', () => {
  let connection: mongoose.Connection;
  let coupons: CouponsRepository;
  let redeemCoupon: RedeemCoupon;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_coupons_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    coupons = new CouponsRepository(connection);
    await coupons.onModuleInit();
    // The relay is not under test here: its nudge has nothing to wake.
    redeemCoupon = new RedeemCoupon(coupons, { nudge: () => undefined } as LoyaltyOutbox);
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('issues one coupon per cause, asked twice in turn or at once, with its event', async () => {
    const first = await coupons.issue(coupon('m1', 'welcome:m1'));
    const again = await coupons.issue(coupon('m1', 'welcome:m1'));
    expect(first.outcome).toBe('issued');
    expect(again).toMatchObject({ outcome: 'existing' });
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => coupons.issue(coupon('m1', 'birthday:m1:2026'))),
    );
    expect(racing.filter((r) => r.outcome === 'issued')).toHaveLength(1);
    // The same cause for other members (a complaint compensated twice at once): still one.
    const members = await Promise.all(
      ['m2', 'm3', 'm4'].map((m) => coupons.issue(coupon(m, 'compensation:C-1'))),
    );
    expect(members.filter((r) => r.outcome === 'issued')).toHaveLength(1);
    expect(await coupons.collection.countDocuments({ cause: 'compensation:C-1' })).toBe(1);

    const stored = await coupons.collection.findOne({ cause: 'welcome:m1' });
    expect(stored!._id).toMatch(COUPON_CODE);
    expect(stored!.outbox?.map((e) => e.envelope.type)).toEqual(['coupon.issued']);
    expect(stored!.outbox![0]!.envelope.payload).toMatchObject({
      code: stored!._id,
      memberId: 'm1',
      amountOffCents: 2000,
    });
  });

  it('draws a new code when the one drawn is taken', async () => {
    const taken = (await coupons.issue(coupon('m5', 'welcome:m5'))) as { coupon: { _id: string } };
    const codes = [taken.coupon._id, 'K7QX4M9PRT'];
    const original = coupons.newCode;
    coupons.newCode = () => codes.shift()!;
    try {
      const next = await coupons.issue(coupon('m5', 'manual:def-1:m5:k1'));
      expect(next).toMatchObject({ outcome: 'issued', coupon: { _id: 'K7QX4M9PRT' } });
    } finally {
      coupons.newCode = original;
    }
  });

  it('never exceeds the per-member limit under 12 concurrent issues', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        coupons.issue(coupon('m6', `manual:def-2:m6:key-${i}`, 'def-2'), 3),
      ),
    );
    expect(results.filter((r) => r.outcome === 'issued')).toHaveLength(3);
    expect(results.filter((r) => r.outcome === 'limit')).toHaveLength(9);
    expect(await coupons.collection.countDocuments({ memberId: 'm6', definitionId: 'def-2' })).toBe(
      3,
    );
  });

  it('redeems a code once under 20 concurrent redemptions; the winner’s retry gets its answer', async () => {
    const issued = await coupons.issue(coupon('m7', 'welcome:m7'));
    const code = (issued as { coupon: { _id: string } }).coupon._id;
    const use = (cause: string) =>
      redeemCoupon.execute({
        code,
        memberId: 'm7',
        order: { amountCents: 12_000 },
        cause,
        channel: 'api',
        at: new Date(),
      });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => use(`api:m7:k${i}`)));
    const redeemed = outcomes.filter((o) => o.outcome === 'redeemed');
    expect(redeemed).toHaveLength(1);
    expect(
      outcomes
        .filter((o) => o.outcome === 'refused')
        .map((o) => (o.outcome === 'refused' ? o.refusal.code : null)),
    ).toEqual(Array(19).fill(ErrorCode.COUPON_ALREADY_REDEEMED));
    const winner = outcomes.indexOf(redeemed[0]!);
    expect(await use(`api:m7:k${winner}`)).toMatchObject({
      outcome: 'replayed',
      redemption: { discountCents: 2000, orderCents: 12_000 },
    });
    const stored = await coupons.collection.findOne({ _id: code });
    expect(stored!.redemption).toMatchObject({ cause: `api:m7:k${winner}`, discountCents: 2000 });
    expect(stored!.outbox?.map((e) => e.envelope.type)).toEqual([
      'coupon.issued',
      'coupon.redeemed',
    ]);
  });

  it('refuses another member’s coupon, a small order and an unknown code, leaving it usable', async () => {
    const issued = await coupons.issue(coupon('m8', 'welcome:m8'));
    const code = (issued as { coupon: { _id: string } }).coupon._id;
    const use = (memberId: string, amountCents: number, useCode = code) =>
      redeemCoupon.execute({
        code: useCode,
        memberId,
        order: { amountCents },
        cause: `api:${memberId}:${randomUUID()}`,
        channel: 'api',
        at: new Date(),
      });
    expect(await use('m9', 12_000)).toMatchObject({
      refusal: { code: ErrorCode.COUPON_NOT_OWNED },
    });
    expect(await use('m8', 9_999)).toMatchObject({
      refusal: { code: ErrorCode.COUPON_MINIMUM_SPEND },
    });
    expect(await use('m8', 12_000, 'ZZZZZZZZZZ')).toMatchObject({
      refusal: { code: ErrorCode.COUPON_NOT_FOUND },
    });
    expect(await use('m8', 10_000)).toMatchObject({ outcome: 'redeemed' });
    expect((await coupons.ofMember('m8')).map((c) => c.redemption?.discountCents)).toEqual([2000]);
  });

  it('answers a refused cause asked again with its first answer, even once it would pass', async () => {
    const soon = new Date(Date.now() + 1500);
    const issued = await coupons.issue({ ...coupon('m12', 'welcome:m12'), validFrom: soon });
    const code = (issued as { coupon: { _id: string } }).coupon._id;
    const use = (cause: string) =>
      redeemCoupon.execute({
        code,
        memberId: 'm12',
        order: { amountCents: 12_000 },
        cause,
        channel: 'pos',
        at: new Date(),
      });
    expect(await use('pos:T-early')).toMatchObject({
      refusal: { code: ErrorCode.COUPON_NOT_YET_VALID },
    });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await use('pos:T-early')).toMatchObject({
      refusal: { code: ErrorCode.COUPON_NOT_YET_VALID },
    });
    expect(await use('pos:T-later')).toMatchObject({ outcome: 'redeemed' });
    expect(await use('pos:T-third')).toMatchObject({
      refusal: { code: ErrorCode.COUPON_ALREADY_REDEEMED },
    });
    expect(await use('pos:T-later')).toMatchObject({ outcome: 'replayed' });
  });

  it('moves a merged member’s coupons to the survivor once, redeemed ones included', async () => {
    const kept = await coupons.issue(coupon('m10', 'welcome:m10'));
    const used = await coupons.issue(coupon('m10', 'manual:def-1:m10:k'));
    const usedCode = (used as { coupon: { _id: string } }).coupon._id;
    await redeemCoupon.execute({
      code: usedCode,
      memberId: 'm10',
      order: { amountCents: 10_000 },
      cause: 'pos:T-10',
      channel: 'pos',
      at: new Date(),
    });
    expect(await coupons.moveToSurvivor('m10', 'm11')).toBe(2);
    expect(await coupons.moveToSurvivor('m10', 'm11')).toBe(0);
    expect(await coupons.ofMember('m10')).toEqual([]);
    const moved = await coupons.ofMember('m11');
    expect(moved.map((c) => [c._id, c.issuedTo]).sort()).toEqual(
      [
        [(kept as { coupon: { _id: string } }).coupon._id, 'm10'],
        [usedCode, 'm10'],
      ].sort(),
    );
    expect(moved.find((c) => c._id === usedCode)?.redemption?.cause).toBe('pos:T-10');
  });
});
