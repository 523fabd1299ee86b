/**
 * The listing's backfill against the real MongoDB-wire server: cases projected before the
 * buckets existed (their keys and markers taken away here) are listed again after one pass, and
 * the pass records itself so later start-ups skip the scan.
 */
import { randomUUID } from 'node:crypto';
import type { ReceiveComplaintCommand } from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from '../cases/case-pipeline.int-support';
import type { CasesRepository } from '../cases/cases.repository';
import type { ReceiveComplaint } from '../intake/receive-complaint.handler';
import { scopeOf } from './list-buckets';
import type { ListBucketsRepository } from './list-buckets.repository';
import { ListingBackfill } from './listing-backfill';
import { readListingPage } from './listing-page';

const clerk = { sub: 'E-clerk', roles: ['store_clerk'], storeId: 'S001' };

describe('the listing backfill', () => {
  let pipeline: CasePipeline;
  let cases: CasesRepository;
  let buckets: ListBucketsRepository;
  let receive: ReceiveComplaint;
  let backfill: ListingBackfill;

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_backfill');
    ({ cases, buckets, receive } = pipeline);
    backfill = new ListingBackfill(
      cases,
      buckets,
      pipeline.markers,
      pipeline.effects,
      pipeline.logger,
    );
  });

  afterAll(() => pipeline.close());

  const listed = async (storeId?: string) =>
    (
      await readListingPage(
        {
          children: (parent) => buckets.children(parent),
          inBucket: (field, bucket) => cases.inBucket(field, bucket, storeId ? { storeId } : {}),
        },
        scopeOf(storeId),
        null,
        100,
      )
    ).items.map((c) => c._id);

  it('lists older cases again, newest first, and runs once per database', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await receive.execute(
            {
              channel: 'store',
              category: 'service',
              severity: 'low',
              storeId: 'S001',
              description: `Case ${i} from before the buckets`,
              idempotencyKey: randomUUID(),
            } as ReceiveComplaintCommand,
            clerk,
          )
        ).id,
      );
    expect(await listed('S001')).toEqual([...ids].reverse());
    // As a case projected before the buckets existed: no keys, no markers.
    await cases.collection.updateMany({}, { $unset: { storeBucket: '', chainBucket: '' } });
    await buckets.collection.deleteMany({});
    expect(await listed('S001')).toEqual([]);

    expect(await backfill.runOnce()).toBe(3);
    expect(await listed('S001')).toEqual([...ids].reverse());
    expect(await listed()).toEqual([...ids].reverse());
    expect(await cases.collection.countDocuments({ storeBucket: { $exists: false } })).toBe(0);
    // Recorded: the next start-up does not scan again.
    await cases.collection.updateMany({}, { $unset: { storeBucket: '' } });
    expect(await backfill.runOnce()).toBe(0);
  });
});
