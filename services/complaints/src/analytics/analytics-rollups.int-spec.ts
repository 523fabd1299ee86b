/**
 * Case analysis from roll-ups against the real MongoDB-wire server: the figures read from the
 * roll-ups (folded or still marked) equal those of an independent count over every case and
 * sale, after duplicate marks, redelivered sales, two replicas offering to fold the same round,
 * a fold that crashed before clearing its marks, and a late write of an older round.
 */
import { randomUUID } from 'node:crypto';
import type { PurchaseRecordedPayload, ReceiveComplaintCommand } from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from '../cases/case-pipeline.int-support';
import { bucketsOf } from '../listing/list-buckets';
import { FoldSuperseded } from './analytics-rollups.repository';
import { analyseRows } from './case-rollup';
import { analyse } from './complaint-figures';
import { JobRoundsRepository } from '../jobs/job-rounds.repository';
import { RecordSales } from './record-sales';
import { RollupBackfill } from './rollup-backfill';
import { RolledUpFacts } from './rolled-up-facts';
import { RollupFold } from './rollup-fold';
import { SalesRepository } from './sales.repository';

const clerk = (storeId: string) => ({ sub: 'E-clerk', roles: ['store_clerk'], storeId });
const MINUTE = 60_000;
const DAY = 86_400_000;
const OFFSET = 480; // the chain's local time, UTC+8 (the default setting)
const BASE = Date.parse('2026-10-30T20:00:00Z'); // crosses a UTC and a local month's end
const DIMENSIONS = ['store', 'category', 'cause', 'staff', 'month'] as const;

describe('analysis roll-ups', () => {
  let pipeline: CasePipeline;
  let sales: SalesRepository;
  let facts: RolledUpFacts;
  let recordSales: RecordSales;
  let folds: [RollupFold, RollupFold];
  let round = 1_000;

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_rollups');
    sales = new SalesRepository(pipeline.connection);
    await sales.onModuleInit();
    facts = new RolledUpFacts(pipeline.rollups, pipeline.cases, sales);
    recordSales = new RecordSales(sales, pipeline.rollups, pipeline.slaSettings);
    const replica = () =>
      new RollupFold(
        pipeline.rollups,
        new JobRoundsRepository(pipeline.connection),
        pipeline.cases,
        sales,
        pipeline.config,
        pipeline.logger,
      );
    folds = [replica(), replica()];
  });

  afterAll(() => pipeline.close());

  const from = '2026-10-28';
  const to = '2026-11-08';
  const start = new Date(Date.parse(`${from}T00:00:00Z`) - OFFSET * MINUTE);
  const end = new Date(Date.parse('2026-11-09T00:00:00Z') - OFFSET * MINUTE);

  /** Every dimension's figures, from the roll-ups and from the cases and sales themselves. */
  async function bothWays(storeId?: string) {
    const days = await facts.caseDays(start, end, storeId);
    const rolledSales = await facts.salesBetween(from, to, storeId);
    const counted = {
      cases: await pipeline.cases.factsBetween(start, end, storeId),
      sales: await sales.counts(from, to, storeId),
    };
    return {
      rolled: DIMENSIONS.map((by) => analyseRows(by, days, start, end, rolledSales, OFFSET)),
      counted: DIMENSIONS.map((by) => analyse(by, counted.cases, counted.sales, OFFSET)),
      cases: counted.cases.length,
    };
  }

  it('gives the figures of an independent count, marked or folded, whatever is repeated', async () => {
    // Cases taken in as the desk would, then given the facts of a life across days and stores.
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const storeId = `S00${(i % 3) + 1}`;
      const view = await pipeline.receive.execute(
        {
          channel: 'store',
          category: ['service', 'quality', 'price'][i % 3],
          severity: 'low',
          storeId,
          description: `Case ${i}`,
          idempotencyKey: randomUUID(),
        } as ReceiveComplaintCommand,
        clerk(storeId),
      );
      ids.push(view.id);
      const receivedAt = new Date(BASE + (i % 6) * DAY + i * 37 * MINUTE);
      await pipeline.cases.collection.updateOne(
        { _id: view.id },
        {
          $set: {
            receivedAt,
            ...bucketsOf(storeId, receivedAt),
            assignee: i % 4 ? `E${i % 4}` : null,
            firstRespondedAt: i % 5 ? new Date(receivedAt.getTime() + (i * 7 + 3) * MINUTE) : null,
            resolvedAt: i % 2 ? new Date(receivedAt.getTime() + (i * 91 + 11) * MINUTE + i) : null,
            ...(i % 2
              ? { cause: i % 4 === 1 ? ('pricing' as const) : ('stock_out' as const) }
              : {}),
            ...(i % 3 === 0 ? { satisfaction: (i % 5) + 1 } : {}),
            breached: i % 7 === 0 ? ['firstResponse'] : [],
          },
        },
      );
      // Marked as the case's effects would be, and once more (a redelivered step's effects).
      const mark = {
        _id: `cases:${view.id}:v2`,
        kind: 'cases' as const,
        storeDay: bucketsOf(storeId, receivedAt).storeBucket,
      };
      await pipeline.rollups.mark([mark]);
      await pipeline.rollups.mark([mark]);
    }
    // Sales, each run delivered twice, and a refund (no sale).
    const purchases: PurchaseRecordedPayload[] = Array.from({ length: 40 }, (_, i) => ({
      transactionId: `T-${i}`,
      type: i === 39 ? 'refund' : 'sale',
      originalTransactionId: i === 39 ? 'T-0' : null,
      memberId: 'M1',
      storeId: `S00${(i % 4) + 1}`,
      occurredAt: new Date(BASE + (i % 7) * DAY).toISOString(),
      totalCents: 1000,
      items: [],
    }));
    for (const run of [purchases.slice(0, 20), purchases.slice(20), purchases.slice(0, 20)])
      await recordSales.execute(run);

    // Nothing folded yet: every store-day is read from its cases and sales.
    let both = await bothWays();
    expect(both.cases).toBe(24);
    expect(both.rolled).toEqual(both.counted);
    expect(both.rolled[0]!.totals.sales).toBe(39);

    // Two replicas offer to fold the same round: one does, the other finds it claimed.
    round++;
    const folded = await Promise.all(folds.map((fold) => fold.runOnce(round)));
    expect(folded.filter((n) => n > 0)).toHaveLength(1);
    expect(await pipeline.rollups.pending(100)).toEqual([]);
    both = await bothWays();
    expect(both.rolled).toEqual(both.counted);

    // A store manager's question reads their store's roll-ups only, with the same figures.
    const mine = await bothWays('S002');
    expect(mine.cases).toBe(8);
    expect(mine.rolled).toEqual(mine.counted);

    // A case changes after its fold (resolved, rated); a redelivered sales run marks its days
    // again; the fold's first try crashes after writing, before clearing its marks.
    await pipeline.cases.collection.updateOne(
      { _id: ids[4] },
      { $set: { resolvedAt: new Date(BASE + 5 * DAY), cause: 'pricing', satisfaction: 2 } },
    );
    const changed = await pipeline.cases.collection.findOne({ _id: ids[4] });
    await pipeline.rollups.mark([
      { _id: `cases:${ids[4]}:v3`, kind: 'cases', storeDay: changed!.storeBucket },
    ]);
    await recordSales.execute(purchases.slice(20));
    const clear = pipeline.rollups.clear.bind(pipeline.rollups);
    pipeline.rollups.clear = () => Promise.reject(new Error('crashed before clearing'));
    await expect(folds[0].runOnce(++round)).rejects.toThrow('crashed before clearing');
    pipeline.rollups.clear = clear;
    expect((await pipeline.rollups.pending(100)).length).toBeGreaterThan(0);
    await folds[1].runOnce(++round);
    expect(await pipeline.rollups.pending(100)).toEqual([]);
    both = await bothWays();
    expect(both.rolled).toEqual(both.counted);
    expect(both.rolled[0]!.totals.sales).toBe(39);

    // An older round writing late is refused, and leaves the roll-up as the newer one wrote it.
    await expect(
      pipeline.rollups.writeDays('sales', 'S001', '2026-10', { d31: 999 }, round - 2),
    ).rejects.toThrow(FoldSuperseded);
    both = await bothWays();
    expect(both.rolled).toEqual(both.counted);
  });

  it('rolls up cases and sales from before the roll-ups once, by a backfill', async () => {
    // As a database from before: no roll-ups, no marks, sales without their store-day key.
    for (const name of [
      'complaint_case_rollups',
      'complaint_sales_rollups',
      'complaint_rollup_marks',
    ])
      await pipeline.connection.db!.collection(name).deleteMany({});
    await sales.collection.updateMany({}, { $unset: { storeDay: '' } });
    let both = await bothWays();
    expect(both.rolled).not.toEqual(both.counted);

    const claims = new JobRoundsRepository(pipeline.connection);
    const backfill = new RollupBackfill(
      pipeline.cases,
      sales,
      pipeline.rollups,
      claims,
      pipeline.logger,
    );
    // Two replicas starting together both run it: the marks are insert-once.
    const marked = await Promise.all([backfill.runOnce(), backfill.runOnce()]);
    expect(marked[0]).toBeGreaterThan(0);
    expect(await sales.collection.countDocuments({ storeDay: { $exists: false } })).toBe(0);
    both = await bothWays();
    expect(both.rolled).toEqual(both.counted);
    await folds[0].runOnce(++round);
    expect(await pipeline.rollups.pending(100)).toEqual([]);
    both = await bothWays();
    expect(both.rolled).toEqual(both.counted);
    expect(both.rolled[0]!.totals.sales).toBe(39);
    // Recorded: the next start-up does not scan again.
    expect(await backfill.runOnce()).toBe(0);
  });
});
