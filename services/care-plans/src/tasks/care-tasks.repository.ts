import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CareTaskDocument, TaskClosureDocument } from './care-task.document';

const TASKS = 'care_tasks';
const CLOSURES = 'task_closures';

export interface TaskFilter {
  memberId?: string;
  storeId?: string;
  assignee?: string;
  status?: string;
  dueBy?: Date;
  after?: { dueAt: Date; id: string };
}

/** Care tasks (inserted once per cause) and their closures (inserted once per task). */
@Injectable()
export class CareTasksRepository implements OnModuleInit {
  readonly tasks: mongo.Collection<CareTaskDocument>;
  readonly closures: mongo.Collection<TaskClosureDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.tasks = connection.db!.collection<CareTaskDocument>(TASKS);
    this.closures = connection.db!.collection<TaskClosureDocument>(CLOSURES);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.tasks as never, [
      { key: { memberId: 1 }, name: 'member' },
      { key: { storeId: 1 }, name: 'store' },
      { key: { status: 1, dueAt: 1 }, name: 'status_due' },
      { key: { planId: 1 }, name: 'plan', sparse: true },
      // The worklists: one store's (or one person's) tasks of a status, by due time.
      { key: { storeId: 1, status: 1, dueAt: 1, _id: 1 }, name: 'store_status_due' },
      { key: { assignee: 1, status: 1, dueAt: 1 }, name: 'assignee_status_due', sparse: true },
      { key: { dueAt: 1 }, name: 'due' },
    ]);
    await ensureIndexes(this.closures as never, [{ key: { projected: 1 }, name: 'projected' }]);
  }

  /** Inserts the tasks whose ids are new; a redelivered cause collides and changes nothing. */
  async insertNew(docs: CareTaskDocument[]): Promise<number> {
    if (docs.length === 0) return 0;
    const taken = await insertManyOnce(() =>
      dbSpan(TASKS, 'insertMany', () => this.tasks.insertMany(docs, { ordered: false })),
    );
    return docs.length - taken.size;
  }

  /** Like insertNew; answers the indexes of the docs whose ids were taken already. */
  insertNewAnswering(docs: CareTaskDocument[]): Promise<Set<number>> {
    if (docs.length === 0) return Promise.resolve(new Set());
    return insertManyOnce(() =>
      dbSpan(TASKS, 'insertMany', () => this.tasks.insertMany(docs, { ordered: false })),
    );
  }

  /** A refund's placeholder becomes the sale's task (once: only while it is a placeholder). */
  async replacePlaceholder(doc: CareTaskDocument): Promise<void> {
    await dbSpan(TASKS, 'replace', () =>
      this.tasks.replaceOne({ _id: doc._id, awaitingSale: true }, doc),
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
    await dbSpan(TASKS, 'update', () =>
      this.tasks.updateOne(
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
        },
      ),
    );
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
