/**
 * Erasure in loyalty against the real MongoDB-wire server: reasons, referrals, coupon links and
 * refusals go, points and balances stay, a redelivery changes nothing, adjustments racing the
 * erasure are either scrubbed or refused, and new personal data is refused after it.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { type EventEnvelope, ErrorCode, type MemberErasedPayload } from '@crm/contracts';
import type { LoyaltyOutbox } from '../loyalty-outbox';
import { referralCause } from '../coupons/coupon-erasure';
import { CouponsRepository } from '../coupons/coupons.repository';
import type { NewCoupon } from '../coupons/coupon.document';
import { RedeemCoupon } from '../coupons/redeem-coupon';
import { ReferralsRepository } from '../coupons/referrals.repository';
import { AdjustPoints } from '../points/adjust-points.handler';
import type { EarningSettings } from '../points/earning';
import type { PointsRepository } from '../points/ledger/points.repository';
import { standaloneLedger } from '../points/ledger/standalone-ledger';
import type { WriteBehindPointsLedger } from '../points/ledger/write-behind-points-ledger';
import { EraseMemberData } from './erase-member-data.handler';
import { ErasuresRepository } from './erasures.repository';
import { MemberAdministration } from '../access/member-administration';
import type { MembersDirectory } from '../coupons/members-directory';

/** Chain-wide staff with no store: allowed everywhere, and no home store is asked for. */
const hq = (sub: string) => ({ sub, roles: ['admin'] });
const access = new MemberAdministration({} as MembersDirectory);

const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
const settings = { utcOffsetMinutes: 480, lifetimeDays: 365 } as EarningSettings;
const member = 'aaaaaaaaaaaaaaaaaaaaaaa1';
const referrer = 'bbbbbbbbbbbbbbbbbbbbbbb1';
const referred = 'ccccccccccccccccccccccc1';
const duplicate = 'ddddddddddddddddddddddd1';
const racer = 'eeeeeeeeeeeeeeeeeeeeeee1';

const coupon = (memberId: string, cause: string, extra: Partial<NewCoupon> = {}): NewCoupon => ({
  memberId,
  definitionId: 'def-1',
  name: '¥5 off',
  purpose: 'manual',
  cause,
  terms: { amountOffCents: 500, minimumSpendCents: 0, eligibleCategories: [], rxEligible: false },
  validFrom: new Date(Date.now() - 1000),
  validUntil: new Date(Date.now() + 86_400_000),
  issuedAt: new Date(),
  ...extra,
});

const erased = (memberId: string): EventEnvelope<MemberErasedPayload> => ({
  id: `erased-${memberId}`,
  type: 'member.erased',
  version: 1,
  occurredAt: new Date().toISOString(),
  source: 'members',
  key: memberId,
  traceparent: null,
  payload: { memberId, erasedAt: new Date().toISOString() },
});

describe('erasing a member in loyalty', () => {
  let connection: mongoose.Connection;
  let ledger: WriteBehindPointsLedger;
  let repository: PointsRepository;
  let coupons: CouponsRepository;
  let referrals: ReferralsRepository;
  let erasures: ErasuresRepository;
  let erase: EraseMemberData;
  let adjust: AdjustPoints;
  let redeemCoupon: RedeemCoupon;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_erasure_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ({ ledger, repository } = await standaloneLedger(connection));
    coupons = new CouponsRepository(connection);
    await coupons.onModuleInit();
    referrals = new ReferralsRepository(connection);
    erasures = new ErasuresRepository(connection);
    erase = new EraseMemberData(erasures, ledger, repository, referrals, coupons, logger);
    adjust = new AdjustPoints(ledger, erasures, settings, access);
    redeemCoupon = new RedeemCoupon(coupons, { nudge: () => undefined } as LoyaltyOutbox);
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  const db = () => connection.db!;

  it('removes what identifies the person, keeps the figures, and changes nothing when told again', async () => {
    await adjust.execute(
      { id: member, points: 300, reason: 'Mrs Wang: goodwill', idempotencyKey: 'k-adjust-1' },
      hq('E042'),
    );
    await adjust.execute(
      { id: member, points: -20, reason: 'typo in the first', idempotencyKey: 'k-adjust-2' },
      hq('E042'),
    );
    // A duplicate record of the same person, merged into the member before.
    await adjust.execute(
      { id: duplicate, points: 40, reason: 'old card: Wang', idempotencyKey: 'k-adjust-3' },
      hq('E007'),
    );
    await ledger.mergeInto(duplicate, member, new Date());
    await referrals.record({ _id: member, referrerId: referrer, registeredAt: new Date() });
    await referrals.record({ _id: referred, referrerId: member, registeredAt: new Date() });
    const own = await coupons.issue(coupon(member, `welcome:${member}`, { issuedTo: duplicate }));
    const reward = await coupons.issue(coupon(member, referralCause(referred)));
    const referrersReward = await coupons.issue(coupon(referrer, referralCause(member)));
    const referrersOwn = await coupons.issue(coupon(referrer, `welcome:${referrer}`));
    if (own.outcome === 'limit' || reward.outcome === 'limit') throw new Error('not issued');
    if (referrersReward.outcome === 'limit' || referrersOwn.outcome === 'limit')
      throw new Error('not issued');
    // Kept refusals: someone else at the member's coupon, the member at someone else's.
    const use = (code: string, by: string, key: string) =>
      redeemCoupon.execute({
        code,
        memberId: by,
        order: { amountCents: 1000 },
        cause: `api:${by}:${key}`,
        channel: 'api',
        at: new Date(),
      });
    expect((await use(own.coupon._id, referrer, 'k-use-1')).outcome).toBe('refused');
    expect((await use(referrersOwn.coupon._id, member, 'k-use-2')).outcome).toBe('refused');
    expect(await db().collection('coupon_refusals').countDocuments()).toBe(2);
    const balanceBefore = (await ledger.account(member))!.balance;
    expect(balanceBefore).toBe(320);
    const pointsBefore = await db()
      .collection('points_entries')
      .find({}, { projection: { points: 1 }, sort: { _id: 1 } })
      .toArray();

    await erase.execute(erased(member).payload, erased(member));

    const entries = await db().collection('points_entries').find({}).toArray();
    expect(entries.filter((e) => e.reason !== undefined)).toEqual([]);
    expect(JSON.stringify(entries)).not.toContain('Wang');
    expect(entries.find((e) => String(e._id) === `adjust:${member}:k-adjust-1`)).toMatchObject({
      points: 300,
      staffId: 'E042',
    });
    const pointsAfter = await db()
      .collection('points_entries')
      .find({}, { projection: { points: 1 }, sort: { _id: 1 } })
      .toArray();
    expect(pointsAfter).toEqual(pointsBefore);
    expect((await ledger.account(member))!.balance).toBe(balanceBefore);

    expect(await db().collection('coupon_referrals').countDocuments()).toBe(0);
    expect(await referrals.awaitsFirstSale(referred)).toBe(false);
    const held = await db().collection('coupons').find({}).sort({ _id: 1 }).toArray();
    expect(held.filter((c) => c.issuedTo !== undefined)).toEqual([]);
    expect(held.map((c) => c.cause).sort()).toEqual(
      [
        `referral:erased:${reward.coupon._id}`,
        `referral:erased:${referrersReward.coupon._id}`,
        `welcome:${member}`,
        `welcome:${referrer}`,
      ].sort(),
    );
    expect(await db().collection('coupon_refusals').countDocuments()).toBe(0);
    const mark = await erasures.find(member);
    expect(mark).toMatchObject({ duplicates: [duplicate], completedAt: expect.any(Date) });

    // Told again (a redelivery, or a second event): nothing more changes, nothing fails.
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all(
          [
            'points_entries',
            'coupons',
            'coupon_referrals',
            'coupon_refusals',
            'member_erasures',
          ].map((name) => db().collection(name).find({}).sort({ _id: 1 }).toArray()),
        ),
      );
    const before = await snapshot();
    await erase.execute(erased(member).payload, erased(member));
    await erase.execute(erased(member).payload, { ...erased(member), id: 'another-event' });
    expect(await snapshot()).toBe(before);
  });

  it('refuses new personal data once erased, and leaves the balance alone', async () => {
    const refused = adjust.execute(
      { id: member, points: 5, reason: 'after the erasure', idempotencyKey: 'k-adjust-9' },
      hq('E042'),
    );
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.MEMBER_ERASED });
    expect(await repository.entry(`adjust:${member}:k-adjust-9`)).toBeNull();
    expect((await ledger.account(member))!.balance).toBe(320);
  });

  it('leaves no reason behind from adjustments racing the erasure: each is scrubbed or refused', async () => {
    const adjustOnce = (i: number) =>
      adjust
        .execute(
          { id: racer, points: 1, reason: `racing ${i}`, idempotencyKey: `k-race-${i}` },
          hq('E001'),
        )
        .then(
          () => 'posted',
          (error: { code?: string }) => error.code ?? String(error),
        );
    expect(await adjustOnce(0)).toBe('posted');
    // Adjustments keep coming, one a millisecond, before, during and after the erasure.
    const outcomes: Promise<string>[] = [];
    let erasing = true;
    const firing = (async () => {
      for (let i = 1; erasing || i < 40; i++) {
        outcomes.push(adjustOnce(i));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await erase.execute(erased(racer).payload, erased(racer));
    erasing = false;
    await firing;
    outcomes.push(adjustOnce(1000));
    const results = await Promise.all(outcomes);
    expect(new Set(results)).toEqual(new Set(['posted', ErrorCode.MEMBER_ERASED]));
    const left = await db()
      .collection('points_entries')
      .find({ memberId: racer, reason: { $exists: true } })
      .toArray();
    expect(left).toEqual([]);
    const posted = results.filter((o) => o === 'posted').length;
    expect((await ledger.account(racer))!.balance).toBe(1 + posted);
  });
});
