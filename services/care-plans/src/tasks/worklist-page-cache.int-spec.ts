/**
 * The worklists' kept first pages against the real MongoDB-wire server, with two replicas (each
 * its own repositories and memory) on one database: a first page is answered from the kept rows
 * without the walk, and every write that changes what a list shows (a task added, closed,
 * escalated, reassigned, its member merged) shows on the other replica's next first page.
 */
import type { CareTaskDocument } from './care-task.document';
import { toCareTaskView } from './care-task.mapper';
import { FILL_WITHIN_MS, KEPT_FOR_MS } from './worklist-page-cache';
import {
  followUpTask,
  type WorklistReplica,
  type WorklistReplicas,
  worklistReplicas,
} from './worklist-replicas.int-support';
import { byDueThenId } from './worklist-walk';

const now = Date.now();

const task = (id: string, dueInDays: number, storeId: string) =>
  followUpTask(id, dueInDays, { now, storeId, memberId: 'b'.repeat(24) });

describe('the worklist page cache', () => {
  let replicas: WorklistReplicas;
  let a: WorklistReplica;
  let b: WorklistReplica;

  beforeAll(async () => {
    replicas = await worklistReplicas('worklist_pages');
    ({ a, b } = replicas);
  });

  afterAll(() => replicas.close());

  /** The first page on a replica, and how many buckets its walk read (0: the kept rows). */
  async function firstPage(
    replica: WorklistReplica,
    store: string,
    status: 'open' | 'escalated' = 'open',
  ) {
    const bucket = jest.spyOn(replica.list.store, 'bucket');
    try {
      const page = await replica.list.execute({ store, status, limit: 5 });
      return {
        ids: page.items.map((item) => item.id),
        next: page.next,
        walked: bucket.mock.calls.length,
        page,
      };
    } finally {
      bucket.mockRestore();
    }
  }

  const idsOf = (docs: CareTaskDocument[]) => [...docs].sort(byDueThenId).map((doc) => doc._id);

  it('answers a first page from the kept rows, and shows every write on the other replica', async () => {
    const store = 'S101';
    const docs = [-3, -2, -1, 0, 1, 2, 3].map((d, i) => task(`P-${i}`, d, store));
    await a.tasks.insertNew(docs.map((doc) => ({ ...doc })));
    const walked = await firstPage(a, store);
    expect(walked.ids).toEqual(idsOf(docs).slice(0, 5));
    expect(walked.walked).toBeGreaterThan(0);
    const kept = await firstPage(b, store);
    expect(kept).toEqual({ ...walked, walked: 0 });
    // The same page as a walk from a cursor gives: the next page follows on.
    const next = await b.list.execute({ store, status: 'open', limit: 5, after: kept.next! });
    expect(next.items.map((item) => item.id)).toEqual(idsOf(docs).slice(5));

    // A task due first, inserted on A: B lists it at once.
    const early = task('P-early', -5, store);
    await a.tasks.insertNew([{ ...early }]);
    expect((await firstPage(b, store)).ids).toEqual(idsOf([early, ...docs]).slice(0, 5));

    // Closed, escalated, reassigned on A: B's next first page shows it.
    await a.tasks.close({ _id: early._id, status: 'done', at: new Date(), by: 'E1' });
    expect((await firstPage(b, store)).ids).toEqual(idsOf(docs).slice(0, 5));
    await a.tasks.escalate(docs[0]!, new Date());
    expect((await firstPage(b, store)).ids).toEqual(idsOf(docs).slice(1, 6));
    expect((await firstPage(b, store, 'escalated')).ids).toEqual([docs[0]!._id]);
    await a.tasks.reassign(docs[1]!, 'E9', 'M1');
    expect((await firstPage(b, store)).page.items[0]).toMatchObject({
      id: docs[1]!._id,
      assignee: 'E9',
    });
    await a.tasks.moveMember('b'.repeat(24), 'c'.repeat(24));
    expect((await firstPage(b, store)).page.items.map((item) => item.memberId)).toEqual(
      Array(5).fill('c'.repeat(24)),
    );
    expect((await firstPage(b, store)).walked).toBe(0);
  });

  it('keeps the rows of a long list through writes due after them', async () => {
    const store = 'S102';
    const docs = Array.from({ length: 60 }, (_, i) => task(`L-${i}`, i / 10, store));
    await a.tasks.insertNew(docs.map((doc) => ({ ...doc })));
    await firstPage(a, store);
    await a.tasks.insertNew([task('L-late', 30, store)]);
    await a.tasks.close({ _id: docs[59]!._id, status: 'done', at: new Date(), by: 'E1' });
    expect(await firstPage(b, store)).toMatchObject({ ids: idsOf(docs).slice(0, 5), walked: 0 });
    // Due before the last kept row: the rows go.
    await a.tasks.insertNew([task('L-mid', 2, store)]);
    expect((await firstPage(b, store)).walked).toBeGreaterThan(0);
  });

  it('refuses rows walked under a lease a write dropped, and takes over a lease left behind', async () => {
    const list = 'S103|open';
    const token = (await a.pages.lease(list, new Date()))!;
    expect(token).toBeTruthy();
    expect(await b.pages.lease(list, new Date())).toBeNull(); // held, fresh
    await b.tasks.insertNew([task('R-1', 0, 'S103')]); // after A's lease: drops it
    expect(await a.pages.fill(list, token, { rows: [], complete: true })).toBe(false);
    expect(await b.pages.read(list, new Date())).toBeNull();

    const left = (await a.pages.lease(list, new Date()))!;
    expect(await b.pages.lease(list, new Date(Date.now() + FILL_WITHIN_MS + 1))).toBeTruthy();
    expect(await a.pages.fill(list, left, { rows: [], complete: true })).toBe(false);

    const own = (await a.pages.lease(list, new Date(Date.now() + 2 * KEPT_FOR_MS)))!;
    expect(await a.pages.fill(list, own, { rows: [], complete: true })).toBe(true);
    expect(await b.pages.read(list, new Date(Date.now() + 2 * KEPT_FOR_MS))).toEqual({
      rows: [],
      complete: true,
    });
    // Too old: answered no more.
    expect(await b.pages.read(list, new Date(Date.now() + 4 * KEPT_FOR_MS))).toBeNull();
  });

  it('answers from the rows of a reader already walking, instead of walking too', async () => {
    const store = 'S104';
    const docs = [-2, -1, 0].map((d, i) => task(`W-${i}`, d, store));
    await a.tasks.insertNew(docs.map((doc) => ({ ...doc })));
    const list = `${store}|open`;
    // A's walk holds the lease; B's request comes meanwhile, and A keeps its rows a little later.
    const token = (await a.pages.lease(list, new Date()))!;
    const waiting = firstPage(b, store);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const rows = [...docs].sort(byDueThenId).map(toCareTaskView);
    expect(await a.pages.fill(list, token, { rows, complete: true })).toBe(true);
    const answered = await waiting;
    expect(answered.walked).toBe(0);
    expect(answered.ids).toEqual(idsOf(docs));

    // A lease whose holder never keeps its rows: B waits a walk's time, then walks itself.
    await a.tasks.insertNew([
      followUpTask('W-esc', -1, { now, storeId: store, status: 'escalated' }),
    ]);
    const list2 = `${store}|escalated`;
    expect(await a.pages.lease(list2, new Date())).toBeTruthy();
    const alone = await firstPage(b, store, 'escalated');
    expect(alone.walked).toBeGreaterThan(0);
  });
});
