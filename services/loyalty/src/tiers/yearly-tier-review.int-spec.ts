/**
 * The yearly tier review against the real MongoDB-wire server: a gold member whose spend fell
 * is lowered once, with one `tier.changed` in the same write; a second pass changes nothing.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import type { LoyaltyOutbox } from '../loyalty-outbox';
import { MemberTierRepository, spendBookOf } from './member-tier.repository';
import { type BookInRun, countInRun, monthsInWindow } from './rolling-spend';
import { YearlyTierReview } from './yearly-tier-review';

const settings = { monthDay: '01-01', utcOffsetMinutes: 480 };
const reviewDay = new Date('2027-01-01T01:00:00Z'); // 09:00 on 1 January, local

describe('yearly tier review', () => {
  let connection: mongoose.Connection;
  let tiers: MemberTierRepository;
  let review: YearlyTierReview;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_tier_review_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    tiers = new MemberTierRepository(connection);
    const outbox = { nudge: () => undefined } as unknown as LoyaltyOutbox;
    review = new YearlyTierReview(
      tiers,
      outbox,
      settings,
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('lowers a gold member whose spend fell, once, and keeps those whose spend holds', async () => {
    // Gold since a ¥9,000 purchase in January 2026, which leaves the window in January 2027.
    const bought = async (transactionId: string, cents: number, month: string, at: string) => {
      const memberId = transactionId.split('-')[0]!;
      const member: BookInRun = {
        book: spendBookOf(await tiers.find(memberId)),
        changes: [],
        counted: false,
      };
      const window = monthsInWindow(new Date(at), 480);
      countInRun(member, { memberId, transactionId, month, cents }, window, new Date(at));
      // As a run keeps it, and the run's settlement writes it.
      tiers.keepUnlocked(memberId, member.book, member.changes);
      await tiers.settle(memberId);
    };
    await bought('fell-1', 900_000, '2026-01', '2026-01-10T02:00:00Z');
    await bought('fell-2', 100_000, '2026-09', '2026-09-10T02:00:00Z');
    await bought('held-1', 850_000, '2026-06', '2026-06-10T02:00:00Z');
    expect((await tiers.find('fell'))?.tier).toBe('gold');

    // Before the review date nothing is read or changed.
    expect(await review.run(new Date('2026-12-31T15:00:00Z'))).toMatchObject({ year: null });
    expect((await tiers.find('fell'))?.tier).toBe('gold');

    expect(await review.run(reviewDay)).toEqual({
      year: '2027',
      reviewed: 2,
      lowered: 1,
      raised: 0,
    });
    const fell = await tiers.collection.findOne({ _id: 'fell' });
    expect(fell).toMatchObject({ tier: 'regular', reviewedFor: '2027', changedAt: reviewDay });
    expect(fell?.outbox?.map((e) => e.envelope.payload)).toEqual([
      expect.anything(), // regular → gold in January 2026
      {
        memberId: 'fell',
        from: 'gold',
        to: 'regular',
        at: reviewDay.toISOString(),
        reason: 'yearly-review',
        reviewYear: '2027',
        spend12mCents: 100_000,
      },
    ]);
    expect(await tiers.collection.findOne({ _id: 'held' })).toMatchObject({
      tier: 'gold',
      reviewedFor: '2027',
    });

    // Run again (a second hour, or a restart): nothing more.
    expect(await review.run(new Date(reviewDay.getTime() + 3_600_000))).toEqual({
      year: '2027',
      reviewed: 0,
      lowered: 0,
      raised: 0,
    });
    const after = await tiers.collection.findOne({ _id: 'fell' });
    expect(after?.outbox?.filter((e) => e.envelope.type === 'tier.changed')).toHaveLength(2);

    // Between reviews the tier only goes up again.
    await bought('fell-3', 150_000, '2027-02', '2027-02-10T02:00:00Z');
    expect((await tiers.find('fell'))?.tier).toBe('silver');
  });
});
