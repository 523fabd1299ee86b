import {
  addTallies,
  countPurchase,
  countPurchases,
  monthKey,
  summarize,
  tallyOf,
  tallyUpdate,
  type PurchaseStats,
  type Tally,
} from './purchase-stats';
import type { PurchaseDocument } from './purchase.document';

const purchase = (over: Partial<PurchaseDocument>): PurchaseDocument => ({
  _id: 'T1',
  type: 'sale',
  originalTransactionId: null,
  storeId: 'S001',
  region: 'east',
  occurredAt: new Date('2026-11-22T01:15:00Z'),
  memberId: 'm1',
  phoneIndex: null,
  items: [
    { sku: 'a', name: 'A', category: 'osteoporosis', rx: true, quantity: 1, unitPriceCents: 5800 },
    { sku: 'b', name: 'B', category: 'vitamins', rx: false, quantity: 2, unitPriceCents: 100 },
  ],
  totalCents: 6000,
  cashierId: null,
  recordedAt: new Date(),
  ...over,
});

describe('purchase figures', () => {
  it('buckets by the month in China time', () => {
    expect(monthKey(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12');
    expect(monthKey(new Date('2026-11-30T15:00:00Z'))).toBe('2026-11');
  });

  it('counts a sale: spend, count, first and last purchase, categories', () => {
    expect(countPurchase(purchase({}))).toEqual({
      $push: { 'stats.appliedTx': 'T1' },
      $inc: { 'stats.months.2026-11.count': 1, 'stats.months.2026-11.spendCents': 6000 },
      $min: { 'stats.firstPurchaseAt': new Date('2026-11-22T01:15:00Z') },
      $max: { 'stats.lastPurchaseAt': new Date('2026-11-22T01:15:00Z') },
      $addToSet: { 'stats.categories': { $each: ['osteoporosis', 'vitamins'] } },
    });
  });

  it('takes a refund off the spend of its month without counting a purchase', () => {
    expect(countPurchase(purchase({ _id: 'R1', type: 'refund', totalCents: 5800 })).$inc).toEqual({
      'stats.months.2026-11.spendCents': -5800,
      'stats.months.2026-11.refundCents': 5800,
    });
  });

  it('counts a batch of one member in one update that equals the single updates together', () => {
    const update = countPurchases([
      purchase({ _id: 'T1', occurredAt: new Date('2026-10-31T17:00:00Z'), totalCents: 1000 }),
      purchase({ _id: 'T2', occurredAt: new Date('2026-11-05T01:00:00Z'), totalCents: 2500 }),
      purchase({ _id: 'R1', type: 'refund', totalCents: 400 }),
    ]);
    expect(update).toEqual({
      $push: { 'stats.appliedTx': { $each: ['T1', 'T2', 'R1'] } },
      $inc: {
        'stats.months.2026-11.count': 2,
        'stats.months.2026-11.spendCents': 1000 + 2500 - 400,
        'stats.months.2026-11.refundCents': 400,
      },
      $min: { 'stats.firstPurchaseAt': new Date('2026-10-31T17:00:00Z') },
      $max: { 'stats.lastPurchaseAt': new Date('2026-11-05T01:00:00Z') },
      $addToSet: { 'stats.categories': { $each: ['osteoporosis', 'vitamins'] } },
    });
  });

  it('adds run tallies up to the tally of all their purchases, in either order', () => {
    const runs = [
      [
        purchase({ _id: 'T1', occurredAt: new Date('2026-09-30T17:00:00Z'), totalCents: 1000 }),
        purchase({ _id: 'R1', type: 'refund', totalCents: 400 }),
      ],
      [purchase({ _id: 'T2', occurredAt: new Date('2026-11-05T01:00:00Z'), totalCents: 2500 })],
      [purchase({ _id: 'R2', type: 'refund', occurredAt: new Date('2026-12-01T00:00:00Z') })],
    ];
    const whole = tallyOf(runs.flat());
    const [a, b, c] = runs.map(tallyOf) as [Tally, Tally, Tally];
    for (const sum of [addTallies(addTallies(a, b), c), addTallies(c, addTallies(b, a))]) {
      expect(sum.months).toEqual(whole.months);
      expect(sum.firstPurchaseAt).toEqual(new Date('2026-09-30T17:00:00Z'));
      expect(sum.lastPurchaseAt).toEqual(whole.lastPurchaseAt);
      expect([...sum.categories].sort()).toEqual([...whole.categories].sort());
    }
    expect(whole.months).toEqual({
      '2026-10': { count: 1, spendCents: 1000 },
      '2026-11': { count: 1, spendCents: 2500 - 400, refundCents: 400 },
      '2026-12': { spendCents: -6000, refundCents: 6000 },
    });
    // A refund alone moves no purchase dates and adds no category.
    expect(tallyUpdate(c)).toEqual({
      $inc: {
        'stats.months.2026-12.spendCents': -6000,
        'stats.months.2026-12.refundCents': 6000,
      },
    });
  });

  it('sums the last 12 months only, with the average ticket', () => {
    const stats: PurchaseStats = {
      appliedTx: [],
      firstPurchaseAt: new Date('2025-01-03T00:00:00Z'),
      lastPurchaseAt: new Date('2026-11-22T00:00:00Z'),
      categories: ['vitamins', 'diabetes'],
      months: {
        '2025-01': { count: 5, spendCents: 99999 }, // older than 12 months
        '2025-12': { count: 1, spendCents: 1000 },
        '2026-11': { count: 2, spendCents: 5000, refundCents: 1000 },
      },
    };
    expect(summarize(stats, new Date('2026-11-22T12:00:00Z'))).toEqual({
      firstPurchaseAt: '2025-01-03T00:00:00.000Z',
      lastPurchaseAt: '2026-11-22T00:00:00.000Z',
      purchases12m: 3,
      spend12mCents: 6000,
      averageTicket12mCents: 2000,
      categories: ['diabetes', 'vitamins'],
    });
    expect(summarize(undefined).averageTicket12mCents).toBeNull();
  });
});
