import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type CompleteCareTaskCommand,
  TASK_COMPLETED,
  type TaskCompletedPayload,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareEventsRepository } from '../events/care-events.repository';
import type { CareTaskDocument, TaskClosureDocument } from './care-task.document';
import { doneOnTime } from './on-time';
import { CareTasksRepository } from './care-tasks.repository';

/**
 * Completes a task with its outcome, once: the closure inserted under the task's id wins. The
 * same completion again answers the task as it is (idempotent); a task cancelled meanwhile
 * (refund, plan stopped) is a 409.
 */
@Injectable()
export class CompleteCareTask {
  constructor(
    private readonly tasks: CareTasksRepository,
    private readonly events: CareEventsRepository,
  ) {}

  execute(command: CompleteCareTaskCommand, actor?: RpcActor): Promise<CareTaskDocument> {
    return inSpan('care.tasks.complete', async () => {
      const task = await this.tasks.find(command.id);
      if (!task) throw new AppError(ErrorCode.NOT_FOUND, `No care task ${command.id}`);
      const { closure } = await this.tasks.close({
        _id: task._id,
        status: 'done',
        at: new Date(),
        outcome: command.outcome,
        ...(command.note ? { note: command.note } : {}),
        ...(actor ? { by: actor.sub } : {}),
      });
      if (closure.status !== 'done')
        throw new AppError(
          ErrorCode.CARE_TASK_CLOSED,
          `Care task ${task._id} was cancelled (${closure.reason ?? 'no reason'})`,
          [{ status: closure.status, reason: closure.reason }],
        );
      // Announced on every completion call, not only the winning one: a crash between the
      // closure and the event is repaired by the retry, and the event's key keeps it single.
      await this.events.emit(completedEvent(task, closure));
      return (await this.tasks.find(task._id))!;
    });
  }
}

function completedEvent(task: CareTaskDocument, closure: TaskClosureDocument) {
  const payload: TaskCompletedPayload = {
    taskId: task._id,
    memberId: task.memberId,
    storeId: task.storeId,
    kind: task.kind,
    outcome: closure.outcome ?? 'other',
    dueAt: task.dueAt.toISOString(),
    completedAt: closure.at.toISOString(),
    onTime: doneOnTime(task.dueAt, closure.at),
    completedBy: closure.by ?? null,
  };
  return { type: TASK_COMPLETED, cause: task._id, key: task.memberId, payload, at: closure.at };
}
