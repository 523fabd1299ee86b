import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { TASK_ESCALATED, type TaskEscalatedPayload } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo, PeriodicJob } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';
import { CareEventsRepository } from '../events/care-events.repository';
import type { CareTaskDocument } from './care-task.document';
import { CareTasksRepository } from './care-tasks.repository';

const PER_ROUND = 500;
const ESCALATIONS = 'task_escalations';

/**
 * Open tasks overdue by more than CARE_ESCALATE_AFTER_MS go to their store's manager. Every
 * replica runs this timer; each escalation is claimed by inserting `escalation:<task>`, so of
 * two replicas (or two rounds) one escalates. The task's mark and the `task.escalated` event
 * are done by whoever sees the task still open, claim won or not: both are idempotent, so a
 * crash after the claim is finished by the next round.
 */
@Injectable()
export class EscalateOverdueTasks extends PeriodicJob {
  private readonly escalations: mongo.Collection<{ _id: string; taskId: string; at: Date }>;

  constructor(
    private readonly config: CarePlansConfig,
    private readonly tasks: CareTasksRepository,
    private readonly events: CareEventsRepository,
    @InjectMongo() connection: Connection,
    protected readonly logger: PinoLogger,
  ) {
    super(config.CARE_ESCALATE_EVERY_MS, 'escalating overdue care tasks');
    this.escalations = connection.db!.collection(ESCALATIONS);
    logger.setContext(EscalateOverdueTasks.name);
  }

  protected async runRound(): Promise<void> {
    await this.runOnce(new Date());
  }

  /** One round; returns the escalations this replica claimed. */
  async runOnce(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.CARE_ESCALATE_AFTER_MS);
    const overdue = await dbSpan('care_tasks', 'find', () =>
      this.tasks.tasks
        .find({ status: 'open', dueAt: { $lt: before } }, { sort: { dueAt: 1 }, limit: PER_ROUND })
        .toArray(),
    );
    let claimed = 0;
    for (const task of overdue) if (await this.escalate(task, now)) claimed++;
    return claimed;
  }

  private async escalate(task: CareTaskDocument, now: Date): Promise<boolean> {
    const won = await insertOnce(() =>
      dbSpan(ESCALATIONS, 'insert', () =>
        this.escalations.insertOne({ _id: `escalation:${task._id}`, taskId: task._id, at: now }),
      ),
    );
    const claim = won
      ? { at: now }
      : ((await this.escalations.findOne({ _id: `escalation:${task._id}` })) ?? { at: now });
    // Only an open task: a completion or cancellation that got there first stays.
    await this.tasks.escalate(task, claim.at);
    const payload: TaskEscalatedPayload = {
      taskId: task._id,
      memberId: task.memberId,
      storeId: task.storeId,
      kind: task.kind,
      dueAt: task.dueAt.toISOString(),
      escalatedTo: 'store_manager',
      escalatedAt: claim.at.toISOString(),
    };
    await this.events.emit({
      type: TASK_ESCALATED,
      cause: task._id,
      key: task.memberId,
      payload,
      at: claim.at,
    });
    return won;
  }
}
