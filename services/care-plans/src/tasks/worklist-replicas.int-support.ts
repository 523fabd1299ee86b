/**
 * Two care-plans replicas on one fresh database, each with its own repositories and memory,
 * wired by hand as CarePlansModule wires them: for integration specs of what the worklists
 * must get right when several processes read and write them.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { CareTaskDocument } from './care-task.document';
import { CareTasksRepository } from './care-tasks.repository';
import { ListCareTasks } from './list-care-tasks.handler';
import { WorklistMarkers } from './worklist-markers.repository';
import { WorklistPageCache } from './worklist-page-cache';

export interface WorklistReplica {
  connection: mongoose.Connection;
  tasks: CareTasksRepository;
  markers: WorklistMarkers;
  pages: WorklistPageCache;
  list: ListCareTasks;
}

export interface WorklistReplicas {
  a: WorklistReplica;
  b: WorklistReplica;
  /** Drops the database and closes both connections. */
  close(): Promise<void>;
}

export async function worklistReplicas(name: string): Promise<WorklistReplicas> {
  const dbName = `test_care_${name}_${randomUUID().slice(0, 8)}`;
  const replicas: WorklistReplica[] = [];
  // One after the other: the local store fails two index builds of one collection at once.
  for (let i = 0; i < 2; i++) {
    const connection = await mongoose
      .createConnection(process.env.MONGO_URL!, { dbName })
      .asPromise();
    const markers = new WorklistMarkers(connection);
    const pages = new WorklistPageCache(connection);
    const tasks = new CareTasksRepository(connection, markers, pages);
    await markers.onModuleInit();
    await tasks.onModuleInit();
    replicas.push({
      connection,
      tasks,
      markers,
      pages,
      list: new ListCareTasks(tasks, markers, pages),
    });
  }
  const [a, b] = replicas as [WorklistReplica, WorklistReplica];
  return {
    a,
    b,
    close: async () => {
      await a.connection.dropDatabase();
      await Promise.all(replicas.map((replica) => replica.connection.close()));
    },
  };
}

/** An open day-7 follow-up of a store's sale, due some days from `now` (negative: overdue). */
export function followUpTask(
  id: string,
  dueInDays: number,
  over: Partial<CareTaskDocument> & { now: number },
): CareTaskDocument {
  const { now, ...rest } = over;
  return {
    _id: `followup:${id}:d7`,
    memberId: 'a'.repeat(24),
    kind: 'call',
    priority: 'normal',
    dueAt: new Date(now + dueInDays * 86_400_000),
    status: 'open',
    cause: { type: 'followup', transactionId: id, day: 7 },
    assigneeRole: 'store',
    storeId: 'S001',
    createdAt: new Date(now - 86_400_000),
    ...rest,
  };
}
