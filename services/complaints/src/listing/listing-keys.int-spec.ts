/**
 * The listing's keyed trees and marker cache against the real MongoDB-wire server: a page with an
 * open status or a missed target lists what a filter over every case lists, as cases move
 * between statuses and targets are missed; another replica's cache, filled before a case in a
 * new bucket, lists it as soon as it is projected; a replica's kept first page gives way to any
 * write to its listing, and one whose writer died before the generation change to the recovery
 * pass; cases projected before the keyed buckets get them from the backfill.
 */
import { randomUUID } from 'node:crypto';
import type {
  ComplaintTransitionCommand,
  ListComplaintsRequest,
  ReceiveComplaintCommand,
} from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from '../cases/case-pipeline.int-support';
import type { GrantCompensation } from '../compensation/grant-compensation';
import { ListComplaints } from '../lookup/list-complaints.handler';
import { MemberRecords } from '../privacy/member-records';
import { TransitionComplaint } from '../workflow/transition-complaint.handler';
import { keyedBucketsOf, keyedMarkersOf } from './listing-keys';
import { ListingBackfill } from './listing-backfill';
import { ListingMarkers } from './listing-markers.cache';
import { ListingPageCache } from './listing-page.cache';

const desk = { sub: 'E-desk', roles: ['desk_agent'] };

describe('keyed listing trees', () => {
  let pipeline: CasePipeline;
  let transition: TransitionComplaint;
  /** Two replicas' listings, each with its own marker cache. */
  let replicas: [ListComplaints, ListComplaints];

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_keyed_listing');
    const { versions, reader, effects, feedback, config, clock, logger } = pipeline;
    transition = new TransitionComplaint(
      versions,
      reader,
      effects,
      pipeline.journal,
      {} as GrantCompensation,
      new MemberRecords(versions, effects, feedback, logger),
      config,
      clock,
      logger,
    );
    const replica = () =>
      new ListComplaints(
        pipeline.cases,
        new ListingMarkers(pipeline.buckets),
        new ListingPageCache(pipeline.generations),
        config,
        clock,
      );
    replicas = [replica(), replica()];
  });

  afterAll(() => pipeline.close());

  const receive = async (storeId: string) =>
    (
      await pipeline.receive.execute(
        {
          channel: 'store',
          category: 'service',
          severity: 'low',
          storeId,
          description: 'Keyed listing case',
          idempotencyKey: randomUUID(),
        } as ReceiveComplaintCommand,
        { sub: 'E-clerk', roles: ['store_clerk'], storeId },
      )
    ).id;

  const move = (id: string, action: string) =>
    transition.execute(
      {
        id,
        action,
        assignee: 'E-desk',
        resolution: 'Handled',
        cause: 'other',
      } as ComplaintTransitionCommand,
      desk,
    );

  /** Every page of a listing, following cursors. */
  async function listed(request: Omit<ListComplaintsRequest, 'limit'>, replica = 0) {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = await replicas[replica].execute({ ...request, limit: 2, cursor }, desk);
      ids.push(...page.items.map((c) => c.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('the listing never ended');
  }

  /** The same filter over every case, newest first. */
  async function counted(filter: Record<string, unknown>) {
    const all = await pipeline.cases.collection.find(filter).toArray();
    return all
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : -1))
      .map((c) => c._id);
  }

  it('lists an open status or a missed target as a filter over every case does', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await receive(i % 2 ? 'S002' : 'S001'));
    await move(ids[0]!, 'investigate');
    await move(ids[1]!, 'investigate');
    await move(ids[1]!, 'resolve');
    await move(ids[2]!, 'investigate');
    // A target missed, as the SLA scan records it: its keyed markers, then the case.
    const missed = await pipeline.cases.collection.findOne({ _id: ids[3]! });
    await pipeline.markers.ensure(
      keyedMarkersOf(missed!.storeId, missed!.receivedAt, { breached: true }),
    );
    await pipeline.cases.markBreached(
      ids[3]!,
      missed!.storeId,
      'firstResponse',
      keyedBucketsOf(missed!.storeId, missed!.receivedAt, { breached: true }),
    );
    const check = async () => {
      for (const status of ['accepted', 'investigating', 'resolved']) {
        expect(await listed({ status })).toEqual(await counted({ status }));
        expect(await listed({ status, store: 'S001' })).toEqual(
          await counted({ status, storeId: 'S001' }),
        );
      }
      expect(await listed({ breached: 'true' })).toEqual(
        await counted({ 'breached.0': { $exists: true } }),
      );
    };
    await check();
    expect(await listed({ status: 'investigating' })).toEqual([ids[2], ids[0]]);
    expect(await listed({ breached: 'true', store: 'S002' })).toEqual([ids[3]]);
    // A case leaves its keyed bucket with its status: the bucket's marker stays, none is lost.
    await move(ids[2]!, 'resolve');
    await check();
    expect(await listed({ status: 'investigating' })).toEqual([ids[0]]);
  });

  it('lists a case in a new bucket on a replica whose cache was filled before it', async () => {
    await listed({ store: 'S003' }, 1);
    expect(await listed({ store: 'S003', status: 'accepted' }, 1)).toEqual([]);
    const id = await receive('S003');
    expect(await listed({ store: 'S003' }, 1)).toEqual([id]);
    expect(await listed({ store: 'S003', status: 'accepted' }, 1)).toEqual([id]);
  });

  it("serves a replica's kept first page until a write to its listing, whoever made it", async () => {
    const first = async (request: Omit<ListComplaintsRequest, 'limit'>, replica: 0 | 1) =>
      (await replicas[replica].execute({ ...request, limit: 20 }, desk)).items.map((c) => c.id);
    const a = await receive('S004');
    const b = await receive('S004');
    // Both replicas keep these pages, the store's and the chain's.
    for (const replica of [0, 1] as const) {
      expect(await first({ store: 'S004' }, replica)).toEqual([b, a]);
      expect(await first({ store: 'S004', status: 'investigating' }, replica)).toEqual([]);
      expect((await first({ status: 'accepted' }, replica))[0]).toBe(b);
    }
    await move(a, 'investigate');
    const c = await receive('S004');
    for (const replica of [0, 1] as const) {
      expect(await first({ store: 'S004' }, replica)).toEqual([c, b, a]);
      expect(await first({ store: 'S004', status: 'investigating' }, replica)).toEqual([a]);
      expect((await first({ status: 'accepted' }, replica))[0]).toBe(c);
      expect(await first({ status: 'accepted' }, replica)).not.toContain(a);
    }
    // A writer that dies between its write and the change of the listings' generations: the
    // kept page stands (it is what is served) until the recovery pass redoes the step's effects.
    const died = jest
      .spyOn(pipeline.buckets, 'bumpListings')
      .mockRejectedValue(new Error('killed'));
    await move(b, 'investigate');
    died.mockRestore();
    expect(await first({ store: 'S004', status: 'investigating' }, 1)).toEqual([a]);
    await pipeline.effects.apply(b);
    for (const replica of [0, 1] as const) {
      expect(await first({ store: 'S004', status: 'investigating' }, replica)).toEqual([b, a]);
      expect(await first({ status: 'accepted' }, replica)).not.toContain(b);
    }
  });

  it('keys cases projected before the keyed buckets, once per database', async () => {
    // As cases projected before: no keyed buckets, no keyed markers.
    await pipeline.cases.collection.updateMany(
      {},
      {
        $unset: {
          storeStatusBucket: '',
          chainStatusBucket: '',
          storeBreachedBucket: '',
          chainBreachedBucket: '',
        },
      },
    );
    await pipeline.buckets.collection.deleteMany({ _id: { $regex: '~' } });
    const backfill = new ListingBackfill(
      pipeline.cases,
      pipeline.buckets,
      new ListingMarkers(pipeline.buckets),
      pipeline.effects,
      pipeline.logger,
    );
    const open = await pipeline.cases.collection.countDocuments({ status: { $ne: 'closed' } });
    expect(await backfill.runOnce()).toBe(open);
    // Another replica, whose cache never saw them, reads the new markers.
    const fresh = new ListComplaints(
      pipeline.cases,
      new ListingMarkers(pipeline.buckets),
      new ListingPageCache(pipeline.generations),
      pipeline.config,
      pipeline.clock,
    );
    replicas[0] = fresh;
    for (const status of ['accepted', 'investigating', 'resolved'])
      expect(await listed({ status })).toEqual(await counted({ status }));
    expect(await listed({ breached: 'true' })).toEqual(
      await counted({ 'breached.0': { $exists: true } }),
    );
    expect(await backfill.runOnce()).toBe(0);
  });
});
