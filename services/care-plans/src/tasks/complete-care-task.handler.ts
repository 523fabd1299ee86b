import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type CompleteCareTaskCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import type { CareTaskDocument } from './care-task.document';
import { CareTasksRepository } from './care-tasks.repository';

/**
 * Completes a task with its outcome, once: the closure inserted under the task's id wins. The
 * same completion again answers the task as it is (idempotent); a task cancelled meanwhile
 * (refund, plan stopped) is a 409.
 */
@Injectable()
export class CompleteCareTask {
  constructor(private readonly tasks: CareTasksRepository) {}

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
      return (await this.tasks.find(task._id))!;
    });
  }
}
