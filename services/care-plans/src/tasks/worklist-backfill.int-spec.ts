/**
 * The worklist backfill against the real MongoDB-wire server, with two replicas (each its own
 * repositories and memory) on one database: tasks written before the worklist's keys existed
 * are listed after the backfill, each once, however many scans run and however many at once;
 * and a task escalated into a day another replica's page just retired is listed at once.
 */
import { PinoLogger } from 'nestjs-pino';
import { CarePlansConfig } from '../care-plans.config';
import type { CareTaskDocument } from './care-task.document';
import { WORKLIST_KEYS_PASS, WorklistBackfill } from './worklist-backfill.job';
import {
  followUpTask,
  type WorklistReplica,
  type WorklistReplicas,
  worklistReplicas,
} from './worklist-replicas.int-support';
import { byDueThenId } from './worklist-walk';

const DAY = 86_400_000;
const now = Date.now();

type Replica = WorklistReplica & { backfill: WorklistBackfill };

const task = (id: string, dueInDays: number, status: CareTaskDocument['status']) =>
  followUpTask(id, dueInDays, { now, status, createdAt: new Date(now - 60 * DAY) });

describe('the worklist backfill', () => {
  let replicas: WorklistReplicas;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    replicas = await worklistReplicas('worklist_backfill');
    const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
    const config = new CarePlansConfig();
    [a, b] = [replicas.a, replicas.b].map((replica) => ({
      ...replica,
      backfill: new WorklistBackfill(config, replica.tasks, replica.markers, logger),
    })) as [Replica, Replica];
  });

  afterAll(() => replicas.close());

  /** Every page of a store's list, 7 tasks a page, as staff would page through it. */
  async function listed(
    replica: Replica,
    status: 'open' | 'escalated',
    store = 'S001',
  ): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await replica.list.execute({ store, status, limit: 7, after });
      ids.push(...page.items.map((item) => item.id));
      after = page.next ?? undefined;
    } while (after);
    return ids;
  }

  const idsOf = (docs: CareTaskDocument[]) => [...docs].sort(byDueThenId).map((doc) => doc._id);

  it('lists tasks written before the keys each once, two replicas scanning at once', async () => {
    // As the code before the keys wrote them: live tasks without keys or markers, over past,
    // present and future days and two months, open and escalated; closed ones likewise.
    const days = [-40, -9, -2, -0.5, 0, 0.2, 3, 35];
    const oldOpen = days.flatMap((d, i) => [0, 1, 2].map((k) => task(`OLD-${i}-${k}`, d, 'open')));
    const oldEscalated = [-12, -3, -1.5].map((d, i) => task(`OLDESC-${i}`, d, 'escalated'));
    const oldClosed = [-5, 1].map((d, i) => task(`OLDDONE-${i}`, d, 'done'));
    await a.tasks.tasks.insertMany([...oldOpen, ...oldEscalated, ...oldClosed]);
    // Written with keys; two then closed by older code, which left their keys on.
    const keyed = [-2, 1, 4, 5].map((d, i) => task(`NEW-${i}`, d, 'open'));
    await a.tasks.insertNew(keyed.map((doc) => ({ ...doc })));
    const closedByOlderCode = keyed.slice(2).map((doc) => doc._id);
    await a.tasks.tasks.updateMany(
      { _id: { $in: closedByOlderCode } },
      { $set: { status: 'done', closedAt: new Date() } },
    );
    const open = [...oldOpen, ...keyed.slice(0, 2)];
    expect(await listed(a, 'open')).toEqual(idsOf(keyed)); // the older tasks are missing
    expect(await listed(a, 'escalated')).toEqual([]);

    const [first, second] = await Promise.all([a.backfill.runOnce(7), b.backfill.runOnce(5)]);

    const wrong = oldOpen.length + oldEscalated.length + closedByOlderCode.length;
    expect(first.complete && second.complete).toBe(true);
    // Every wrong task found by one scan at least, and changed (by one, or both: the local
    // store's conditional updates are not atomic, and the same keys written twice are the same).
    expect(first.found + second.found).toBeGreaterThanOrEqual(wrong);
    expect(first.rekeyed + second.rekeyed).toBeGreaterThanOrEqual(wrong);
    for (const replica of [a, b]) {
      expect(await listed(replica, 'open')).toEqual(idsOf(open));
      expect(await listed(replica, 'escalated')).toEqual(idsOf(oldEscalated));
    }
    // Something was found: not recorded yet, the next round looks again and finds nothing.
    expect(await a.markers.passDone(WORKLIST_KEYS_PASS)).toBe(false);
    expect(await b.backfill.runOnce()).toEqual({
      scanned: oldOpen.length + oldEscalated.length + oldClosed.length + keyed.length,
      found: 0,
      rekeyed: 0,
      complete: true,
    });
    expect(await a.markers.passDone(WORKLIST_KEYS_PASS)).toBe(true);
    expect(await listed(b, 'open')).toEqual(idsOf(open));
    expect(await a.tasks.tasks.countDocuments({ worklist: { $exists: true } })).toBe(
      open.length + oldEscalated.length,
    );

    // Recorded: a replica starting later looks at the record, not at the tasks.
    await a.tasks.tasks.updateOne({ _id: open[0]!._id }, { $unset: { worklist: '' } });
    a.backfill.onApplicationBootstrap();
    await a.backfill.onModuleDestroy();
    expect(await a.tasks.tasks.countDocuments({ worklist: { $exists: false } })).toBe(
      oldClosed.length + closedByOlderCode.length + 1,
    );
  });

  it('lists a task escalated into a day another replica just retired at once', async () => {
    const store = 'S777';
    const first = { ...task('LATE-1', -3, 'open'), storeId: store };
    const second = { ...task('LATE-2', -3, 'open'), storeId: store };
    await a.tasks.insertNew([first, second]);
    // A escalates the first (and remembers the escalated day's marker); it is then closed.
    await a.tasks.escalate(first, new Date());
    await a.tasks.close({ _id: first._id, status: 'done', at: new Date(), by: 'E1' });
    // B's page finds the escalated day empty, long over, and retires it.
    const day = `${store}|escalated|${first.dueAt.toISOString().slice(0, 10)}`;
    expect(await a.markers.markers.countDocuments({ _id: day })).toBe(1);
    expect(await listed(b, 'escalated', store)).toEqual([]);
    expect(await a.markers.markers.countDocuments({ _id: day })).toBe(0);
    // A escalates the second into that day within the ten minutes it remembers the marker for.
    await a.tasks.escalate(second, new Date());
    expect(await listed(b, 'escalated', store)).toEqual([second._id]);
  });
});
