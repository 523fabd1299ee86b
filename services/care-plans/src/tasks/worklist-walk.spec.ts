import type { CareTaskDocument } from './care-task.document';
import { type BucketMarker, listOf, markersFor, worklistKeys } from './worklist-buckets';
import {
  BucketSizes,
  byDueThenId,
  RETIRE_AFTER_MS,
  type WalkRequest,
  walkWorklist,
  type WorklistStore,
} from './worklist-walk';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const list = listOf('S001', 'open');
const now = new Date('2026-12-05T12:00:00Z');

/** The store in memory: tasks by bucket key, markers by parent, and what was asked. */
class MemoryWorklist implements WorklistStore {
  readonly buckets = new Map<string, CareTaskDocument[]>();
  readonly markers = new Map<string, BucketMarker>();
  readonly retired: string[] = [];
  readonly sizes = new BucketSizes();
  dayReads = 0;
  blockReads = 0;
  slotReads = 0;

  add(task: CareTaskDocument): void {
    task.worklist = worklistKeys(list, task.dueAt);
    for (const key of task.worklist)
      this.buckets.set(key, [...(this.buckets.get(key) ?? []), task]);
    for (const marker of markersFor(list, task.dueAt)) this.markers.set(marker._id, marker);
  }

  /** A task that closed: it leaves its buckets, its day's marker stays (as on the store). */
  close(id: string): void {
    for (const [key, tasks] of this.buckets)
      this.buckets.set(
        key,
        tasks.filter((t) => t._id !== id),
      );
  }

  walk(request: Omit<WalkRequest, 'list' | 'now'> & { now?: Date }) {
    return walkWorklist(this, this.sizes, { list, now, ...request });
  }

  async children(parent: string): Promise<string[]> {
    // Reversed: the walk must not depend on the store's order.
    return [...this.markers.values()]
      .filter((m) => m.parent === parent)
      .map((m) => m._id)
      .reverse();
  }

  async bucket(key: string, assignee?: string): Promise<CareTaskDocument[]> {
    const time = key.slice(key.lastIndexOf('|') + 1);
    if (time.length === 10) this.dayReads++;
    else if (time.length === 13) this.blockReads++;
    else this.slotReads++;
    return (this.buckets.get(key) ?? []).filter((t) => !assignee || t.assignee === assignee);
  }

  async retire(marker: BucketMarker): Promise<void> {
    this.markers.delete(marker._id);
    this.retired.push(marker._id);
  }
}

function task(i: number, dueAt: Date, assignee?: string): CareTaskDocument {
  return {
    _id: `followup:T${String(i).padStart(5, '0')}:d3`,
    memberId: 'a'.repeat(24),
    kind: 'call',
    priority: 'normal',
    dueAt,
    status: 'open',
    cause: { type: 'followup' },
    assigneeRole: 'store',
    ...(assignee ? { assignee } : {}),
    storeId: 'S001',
    createdAt: now,
  };
}

/** Every page from the first, as the worklist's `after` cursor would ask for them. */
async function allPages(
  store: MemoryWorklist,
  limit: number,
  extra: { assignee?: string; dueBy?: Date } = {},
): Promise<CareTaskDocument[][]> {
  const pages: CareTaskDocument[][] = [];
  let after: { dueAt: Date; id: string } | undefined;
  for (;;) {
    const { tasks } = await store.walk({ after, need: limit + 1, ...extra });
    const page = tasks.slice(0, limit);
    pages.push(page);
    if (tasks.length <= limit) return pages;
    after = { dueAt: page[page.length - 1]!.dueAt, id: page[page.length - 1]!._id };
  }
}

/** Tasks over 70 days from 40 days ago, some due at the same instant, a third assigned to E1. */
function chain(count: number): CareTaskDocument[] {
  const start = now.getTime() - 40 * DAY;
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, (_, i) => {
    const dueAt = new Date(
      i % 10 === 0 ? start + 5 * DAY : start + Math.floor(random() * 70 * DAY),
    );
    return task(i, dueAt, i % 3 === 0 ? 'E1' : undefined);
  });
}

describe('walkWorklist', () => {
  it('pages through a store by due time then id, every live task once, across days and months', async () => {
    const store = new MemoryWorklist();
    const tasks = chain(600);
    tasks.forEach((t) => store.add(t));
    const pages = await allPages(store, 25);
    expect(pages.flat().map((t) => t._id)).toEqual([...tasks].sort(byDueThenId).map((t) => t._id));
    expect(pages.slice(0, -1).every((page) => page.length === 25)).toBe(true);
  });

  it('keeps to the assignee and the due time asked for', async () => {
    const store = new MemoryWorklist();
    const tasks = chain(600);
    tasks.forEach((t) => store.add(t));
    const dueBy = new Date(now.getTime() + 3 * DAY + 1234);
    const pages = await allPages(store, 20, { assignee: 'E1', dueBy });
    const expected = tasks
      .filter((t) => t.assignee === 'E1' && t.dueAt <= dueBy)
      .sort(byDueThenId)
      .map((t) => t._id);
    expect(expected.length).toBeGreaterThan(100);
    expect(pages.flat().map((t) => t._id)).toEqual(expected);
  });

  it('takes a due time past year 9999 as no bound, and a cursor there as the end', async () => {
    const store = new MemoryWorklist();
    chain(30).forEach((t) => store.add(t));
    const far = new Date('+010000-01-01T00:00:00Z');
    expect((await store.walk({ need: 51, dueBy: far })).tasks).toHaveLength(30);
    expect((await store.walk({ need: 51, after: { dueAt: far, id: 'x' } })).tasks).toHaveLength(0);
    expect(
      (await store.walk({ need: 51, dueBy: new Date('0001-01-01T00:00:00Z') })).tasks,
    ).toHaveLength(0);
  });

  it('reads a busy day whole once, then a few of its slots a page', async () => {
    const store = new MemoryWorklist();
    // 100 tasks an hour for 10 days from midnight: 50 a slot, 200 a block, 2,400 a day.
    const midnight = Date.parse('2026-12-05T00:00:00Z');
    for (let i = 0; i < 24_000; i++) store.add(task(i, new Date(midnight + i * 36_000)));
    const first = await store.walk({ need: 51 });
    expect(first.tasks).toHaveLength(51);
    expect([store.dayReads, store.blockReads, store.slotReads]).toEqual([1, 0, 0]);
    const again = await store.walk({ need: 51 });
    expect(again.tasks.map((t) => t._id)).toEqual(first.tasks.map((t) => t._id));
    expect([store.dayReads, store.blockReads, store.slotReads]).toEqual([1, 0, 2]);
    expect(again.reads).toBe(4); // months, days, two slots
    // The next page from the cursor starts at its slot.
    const after = { dueAt: first.tasks[49]!.dueAt, id: first.tasks[49]!._id };
    const next = await store.walk({ after, need: 51 });
    expect(next.tasks[0]!._id).toBe(first.tasks[50]!._id);
    expect(store.slotReads).toBe(5);
  });

  it('reads the quiet hours of a busy day together, then its busy hours slot by slot', async () => {
    const store = new MemoryWorklist();
    // Busy from 15:00 to midnight only, 100 tasks an hour.
    const start = Date.parse('2026-12-05T15:00:00Z');
    for (let i = 0; i < 900; i++) store.add(task(i, new Date(start + i * 36_000)));
    await store.walk({ need: 51 }); // learns the day
    const before = [store.dayReads, store.blockReads, store.slotReads];
    const { tasks, reads } = await store.walk({ need: 51 });
    expect(tasks.map((t) => t._id)).toEqual(
      Array.from({ length: 51 }, (_, i) => task(i, new Date(start))._id),
    );
    // 00:00-14:00 (seven empty blocks) in one go; 14:00-16:00 (100 tasks, quiet) whole.
    expect([store.dayReads, store.blockReads, store.slotReads]).toEqual([
      before[0],
      before[1]! + 8,
      before[2],
    ]);
    expect(reads).toBe(10);
  });

  it('reads a quiet day whole, in one read', async () => {
    const store = new MemoryWorklist();
    store.add(task(1, new Date('2026-12-05T20:10:00Z')));
    store.add(task(2, new Date('2026-12-06T08:10:00Z')));
    const { tasks, reads } = await store.walk({ need: 51 });
    expect(tasks).toHaveLength(2);
    expect([store.dayReads, store.slotReads, reads]).toEqual([2, 0, 4]);
  });

  it('takes days long over without a live task out of the list, not recent ones, a few a page', async () => {
    const store = new MemoryWorklist();
    // One task a day from 11 days ago (24 November) to today (5 December).
    const tasks = Array.from({ length: 12 }, (_, i) =>
      task(i, new Date(now.getTime() - (11 - i) * DAY)),
    );
    tasks.forEach((t) => store.add(t));
    for (const t of tasks.slice(0, 10)) store.close(t._id); // up to 3 December: done
    store.close(tasks[11]!._id); // today's, done: its day is not over
    const first = await store.walk({ need: 51 });
    expect(first.tasks.map((t) => t._id)).toEqual([tasks[10]!._id]);
    expect(first.retired).toBe(4);
    expect((await store.walk({ need: 51 })).retired).toBe(4);
    // The third page finds November without days, and takes it out too.
    expect((await store.walk({ need: 51 })).retired).toBe(3);
    expect((await store.walk({ need: 51 })).retired).toBe(0);
    expect(store.retired).toContain('S001|open|2026-11');
    expect(store.retired.filter((id) => id.length === 20)).toHaveLength(10);
    expect([...store.markers.keys()].sort()).toEqual([
      'S001|open|2026-12',
      'S001|open|2026-12-04',
      'S001|open|2026-12-05',
    ]);
    // A day is over for this only an hour after its end.
    const justOver = new Date(Date.parse('2026-12-05T00:00:00Z') + RETIRE_AFTER_MS - 1);
    const fresh = new MemoryWorklist();
    fresh.add(task(1, new Date('2026-12-04T10:00:00Z')));
    fresh.close(task(1, now)._id);
    expect((await fresh.walk({ need: 51, now: justOver })).retired).toBe(0);
    expect((await fresh.walk({ need: 51 })).retired).toBe(1);
  });

  it('retires nothing for an assignee: the day may hold other people’s tasks', async () => {
    const store = new MemoryWorklist();
    store.add(task(1, new Date(now.getTime() - 3 * DAY)));
    const { tasks, retired } = await store.walk({ assignee: 'E1', need: 51 });
    expect(tasks).toHaveLength(0);
    expect(retired).toBe(0);
    expect(store.markers.size).toBe(2);
  });

  it('retires a month left without days once it is over', async () => {
    const store = new MemoryWorklist();
    store.markers.set('S001|open|2026-10', { _id: 'S001|open|2026-10', parent: list });
    store.markers.set('S001|open|2026-12', { _id: 'S001|open|2026-12', parent: list });
    await store.walk({ need: 51 });
    expect(store.retired).toEqual(['S001|open|2026-10']);
  });
});
