import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { forEachConcurrently, insertManyOnce, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CareTaskDocument, TaskClosureDocument } from './care-task.document';
import { isLive, LIVE_STATUSES, listOf, worklistKeys } from './worklist-buckets';
import { WorklistMarkers } from './worklist-markers.repository';
import { type ListChange, WorklistPageCache } from './worklist-page-cache';

const TASKS = 'care_tasks';
const CLOSURES = 'task_closures';
/** Writes (and closure reads) the backfill's rekey keeps in flight. */
const WRITES_IN_FLIGHT = 8;

export interface TaskFilter {
  memberId?: string;
  storeId?: string;
  assignee?: string;
  status?: string;
  dueBy?: Date;
  after?: { dueAt: Date; id: string };
}

/** What the worklist backfill reads of a task. */
export type WorklistPlace = Pick<
  CareTaskDocument,
  '_id' | 'storeId' | 'status' | 'dueAt' | 'worklist'
>;

/**
 * Care tasks (inserted once per cause) and their closures (inserted once per task). Every write
 * that changes what a store's worklist shows drops the kept first pages it may touch after it
 * (WorklistPageCache.invalidate), a redone write too.
 */
@Injectable()
export class CareTasksRepository implements OnModuleInit {
  readonly tasks: mongo.Collection<CareTaskDocument>;
  readonly closures: mongo.Collection<TaskClosureDocument>;

  constructor(
    @InjectMongo() connection: Connection,
    private readonly worklists: WorklistMarkers,
    private readonly pages: WorklistPageCache,
  ) {
    this.tasks = connection.db!.collection<CareTaskDocument>(TASKS);
    this.closures = connection.db!.collection<TaskClosureDocument>(CLOSURES);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.tasks as never, [
      { key: { memberId: 1 }, name: 'member' },
      { key: { storeId: 1 }, name: 'store' },
      { key: { status: 1, dueAt: 1 }, name: 'status_due' },
      { key: { planId: 1 }, name: 'plan', sparse: true },
      // The stores' worklists, a bucket at a time (worklist-walk.ts); one person's tasks.
      { key: { worklist: 1 }, name: 'worklist', sparse: true },
      { key: { assignee: 1 }, name: 'assignee', sparse: true },
      { key: { dueAt: 1 }, name: 'due' },
    ]);
    await ensureIndexes(this.closures as never, [{ key: { projected: 1 }, name: 'projected' }]);
  }

  /** Inserts the tasks whose ids are new; a redelivered cause collides and changes nothing. */
  async insertNew(docs: CareTaskDocument[]): Promise<number> {
    return docs.length - (await this.insertNewAnswering(docs)).size;
  }

  /**
   * Like insertNew; answers the indexes of the docs whose ids were taken already. Each live task
   * gets its worklist slot, and its worklist's markers go in after it (for the taken ones too: a
   * crash may have come between their insert and their markers').
   */
  async insertNewAnswering(docs: CareTaskDocument[]): Promise<Set<number>> {
    if (docs.length === 0) return new Set();
    for (const doc of docs) withWorklistSlot(doc);
    const taken = await insertManyOnce(() =>
      dbSpan(TASKS, 'insertMany', () => this.tasks.insertMany(docs, { ordered: false })),
    );
    await this.worklists.ensureFor(docs);
    await this.pages.invalidate(listsOfLive(docs));
    return taken;
  }

  /** A refund's placeholder becomes the sale's task (once: only while it is a placeholder). */
  async replacePlaceholder(doc: CareTaskDocument): Promise<void> {
    withWorklistSlot(doc);
    await dbSpan(TASKS, 'replace', () =>
      this.tasks.replaceOne({ _id: doc._id, awaitingSale: true }, doc),
    );
    await this.worklists.ensureFor([doc]);
    await this.pages.invalidate(listsOfLive([doc]));
  }

  /**
   * An open task goes to the store manager (only while open: a closure that got there first
   * stays), and so to the store's list of escalated tasks.
   */
  async escalate(task: CareTaskDocument, at: Date): Promise<void> {
    const escalated: CareTaskDocument = { ...task, status: 'escalated' };
    await dbSpan(TASKS, 'update', () =>
      this.tasks.updateOne(
        { _id: task._id, status: 'open' },
        {
          $set: {
            status: 'escalated',
            escalatedTo: 'store_manager',
            escalatedAt: at,
            worklist: withWorklistSlot(escalated).worklist!,
          },
        },
      ),
    );
    await this.worklists.ensureFor([escalated]);
    await this.pages.invalidate(liveListsAt(task));
  }

  /** Hands a live task to `assignee`; false if it is closed. */
  async reassign(task: CareTaskDocument, assignee: string, by?: string): Promise<boolean> {
    const result = await dbSpan(TASKS, 'update', () =>
      this.tasks.updateOne(
        { _id: task._id, status: { $in: [...LIVE_STATUSES] } },
        { $set: { assignee, assignedAt: new Date(), ...(by ? { assignedBy: by } : {}) } },
      ),
    );
    await this.pages.invalidate(liveListsAt(task));
    return result.matchedCount > 0;
  }

  /** A merged member's tasks become the survivor's (the worklists show the member). */
  moveMember(mergedId: string, survivorId: string): Promise<void> {
    return this.updateMembersTasks(mergedId, { $set: { memberId: survivorId } });
  }

  /** An erased member's tasks lose what tells about their health (closed before, as a rule). */
  eraseDetailsOf(memberId: string): Promise<void> {
    return this.updateMembersTasks(memberId, {
      $unset: { note: '', followed: '', contentKey: '', 'cause.therapy': '' },
    });
  }

  /** Updates every task of a member, then drops the kept pages of the stores of its live ones. */
  private async updateMembersTasks(
    memberId: string,
    update: mongo.UpdateFilter<CareTaskDocument>,
  ): Promise<void> {
    const placed = await dbSpan(TASKS, 'find', () =>
      this.tasks.find({ memberId }, { projection: { storeId: 1, status: 1 } }).toArray(),
    );
    const stores = new Set(placed.filter((t) => isLive(t.status)).map((t) => t.storeId));
    await dbSpan(TASKS, 'update', () => this.tasks.updateMany({ memberId }, update));
    await this.pages.invalidate(
      [...stores].flatMap((storeId) => LIVE_STATUSES.map((s) => ({ list: listOf(storeId, s) }))),
    );
  }

  find(id: string): Promise<CareTaskDocument | null> {
    return dbSpan(TASKS, 'find', () => this.tasks.findOne({ _id: id }));
  }

  /**
   * Closes a task once: the closure inserted under its id wins; a later one gets the first.
   * Either way the task shows the winning closure afterwards.
   */
  async close(
    closure: Omit<TaskClosureDocument, 'projected'>,
  ): Promise<{ won: boolean; closure: TaskClosureDocument }> {
    const won = await insertOnce(() =>
      dbSpan(CLOSURES, 'insert', () => this.closures.insertOne(closure)),
    );
    const winner = won
      ? closure
      : (await dbSpan(CLOSURES, 'find', () => this.closures.findOne({ _id: closure._id })))!;
    await this.project(winner);
    return { won, closure: winner };
  }

  /** Writes a closure onto its task (a projection: the same write again changes nothing). */
  async project(closure: TaskClosureDocument): Promise<void> {
    const task = await dbSpan(TASKS, 'update', () =>
      this.tasks.findOneAndUpdate(
        { _id: closure._id },
        {
          $set: {
            status: closure.status,
            closedAt: closure.at,
            ...(closure.outcome ? { outcome: closure.outcome } : {}),
            ...(closure.note ? { note: closure.note } : {}),
            ...(closure.by ? { closedBy: closure.by } : {}),
            ...(closure.reason ? { cancelReason: closure.reason } : {}),
          },
          $unset: { worklist: '' },
        },
      ),
    );
    if (task) await this.pages.invalidate(liveListsAt(task));
    if (!closure.projected)
      await dbSpan(CLOSURES, 'update', () =>
        this.closures.updateOne({ _id: closure._id }, { $set: { projected: true } }),
      );
  }

  /** Closures a crash left unshown on their tasks (the next round of the sender repairs them). */
  unprojected(limit: number): Promise<TaskClosureDocument[]> {
    return dbSpan(CLOSURES, 'find', () =>
      this.closures.find({ projected: { $exists: false } }, { limit }).toArray(),
    );
  }

  /**
   * Every task's id, store, status, due time and worklist keys, `batch` at a time (a cursor over
   * the collection: the worklist backfill's scan).
   */
  async *worklistPlaces(batch: number): AsyncGenerator<WorklistPlace[]> {
    const cursor = this.tasks.find(
      {},
      { projection: { _id: 1, storeId: 1, status: 1, dueAt: 1, worklist: 1 }, batchSize: batch },
    );
    let found: WorklistPlace[] = [];
    try {
      for await (const task of cursor) {
        found.push(task as WorklistPlace);
        if (found.length < batch) continue;
        yield found;
        found = [];
      }
      if (found.length > 0) yield found;
    } finally {
      await cursor.close();
    }
  }

  /**
   * Gives each task the worklist keys its status and due time call for (none once closed),
   * unless its status changed since it was read: that writer wrote the keys itself. Answers how
   * many changed.
   *
   * The local store's conditional update is a read and a whole write-back, so a closure
   * projected between the two would be written over: a live task's closure, if one was filed
   * meanwhile, is projected again afterwards (the closure is inserted before its projection,
   * so it is there to be found). An escalation written over is redone by the next escalation
   * round (the task is open and overdue again, its claim already taken).
   */
  async rekey(places: readonly WorklistPlace[]): Promise<number> {
    let changed = 0;
    // One update at a time per lane, a few lanes: the local store hangs on one bulk write of
    // hundreds of updates (all 50 of its PostgreSQL connections taken, none given back).
    await forEachConcurrently(places, WRITES_IN_FLIGHT, async (place) => {
      const keys = withWorklistSlot({ ...place } as CareTaskDocument).worklist;
      // The keys follow from the store, status and due time, and only the status changes: a
      // task escalated or closed meanwhile is left to that writer's keys.
      const result = await dbSpan(TASKS, 'update', () =>
        this.tasks.updateOne(
          { _id: place._id, status: place.status },
          keys ? { $set: { worklist: keys } } : { $unset: { worklist: '' } },
        ),
      );
      changed += result.modifiedCount;
      if (result.modifiedCount > 0) await this.pages.invalidate(liveListsAt(place));
      if (!isLive(place.status)) return;
      const closure = await dbSpan(CLOSURES, 'find', () =>
        this.closures.findOne({ _id: place._id }),
      );
      if (closure) await this.project(closure);
    });
    return changed;
  }

  /** The live tasks of one worklist bucket (worklist-buckets.ts), of one assignee if given. */
  inBucket(key: string, assignee?: string): Promise<CareTaskDocument[]> {
    return dbSpan(TASKS, 'find', () =>
      this.tasks.find({ worklist: key, ...(assignee ? { assignee } : {}) }).toArray(),
    );
  }

  /**
   * Any filter, by due time: the store sorts every match (on FerretDB, in its own process). For
   * a member's tasks, and listings that are not a store's live tasks (ListCareTasks).
   */
  list(filter: TaskFilter, limit: number): Promise<CareTaskDocument[]> {
    const query: mongo.Filter<CareTaskDocument> = {};
    if (filter.memberId) query.memberId = filter.memberId;
    if (filter.storeId) query.storeId = filter.storeId;
    if (filter.assignee) query.assignee = filter.assignee;
    if (filter.status) query.status = filter.status as never;
    const due: mongo.Filter<CareTaskDocument>[] = [];
    if (filter.dueBy) due.push({ dueAt: { $lte: filter.dueBy } });
    if (filter.after)
      due.push({
        $or: [
          { dueAt: { $gt: filter.after.dueAt } },
          { dueAt: filter.after.dueAt, _id: { $gt: filter.after.id } },
        ],
      });
    if (due.length > 0) query.$and = due;
    return dbSpan(TASKS, 'find', () =>
      this.tasks.find(query, { sort: { dueAt: 1, _id: 1 }, limit }).toArray(),
    );
  }

  ofMember(memberId: string, limit: number): Promise<CareTaskDocument[]> {
    return dbSpan(TASKS, 'find', () =>
      this.tasks.find({ memberId }, { sort: { createdAt: -1, _id: -1 }, limit }).toArray(),
    );
  }

  ofPlan(planId: string): Promise<CareTaskDocument[]> {
    return dbSpan(TASKS, 'find', () => this.tasks.find({ planId }).toArray());
  }
}

/** Whether a task carries the worklist keys its status and due time call for. */
export function hasItsWorklistKeys(task: WorklistPlace): boolean {
  const wanted = withWorklistSlot({ ...task } as CareTaskDocument).worklist;
  return wanted?.join() === task.worklist?.join();
}

/** The lists the live ones among `tasks` are in, each at the task's due time. */
function listsOfLive(tasks: readonly CareTaskDocument[]): ListChange[] {
  return tasks.flatMap((task) =>
    isLive(task.status) ? [{ list: listOf(task.storeId, task.status), dueAt: task.dueAt }] : [],
  );
}

/** Both of the task's store's lists at its due time: a task that changes status leaves one. */
function liveListsAt(task: Pick<CareTaskDocument, 'storeId' | 'dueAt'>): ListChange[] {
  return LIVE_STATUSES.map((status) => ({ list: listOf(task.storeId, status), dueAt: task.dueAt }));
}

/** Writes the task's worklist keys while it is live, and takes them out otherwise. */
function withWorklistSlot(doc: CareTaskDocument): CareTaskDocument {
  if (isLive(doc.status)) doc.worklist = worklistKeys(listOf(doc.storeId, doc.status), doc.dueAt);
  else delete doc.worklist;
  return doc;
}
