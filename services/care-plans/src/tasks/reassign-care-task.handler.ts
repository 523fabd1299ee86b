import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type ReassignCareTaskCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import type { CareTaskDocument } from './care-task.document';
import { CareTasksRepository } from './care-tasks.repository';

/** Roles that hand out work in any store; a store manager hands out their own store's. */
const CHAIN_WIDE = ['desk_agent', 'admin'];

/**
 * Gives an open (or escalated) task to another staff member. An assignment is a value, not a
 * fact to count: the same reassignment again changes nothing, and of two at once the later
 * write is the assignee (either is a valid answer). A closed task is a 409.
 */
@Injectable()
export class ReassignCareTask {
  constructor(private readonly tasks: CareTasksRepository) {}

  execute(command: ReassignCareTaskCommand, actor?: RpcActor): Promise<CareTaskDocument> {
    return inSpan('care.tasks.reassign', async () => {
      const task = await this.tasks.find(command.id);
      if (!task) throw new AppError(ErrorCode.NOT_FOUND, `No care task ${command.id}`);
      if (
        actor &&
        !actor.roles.some((r) => CHAIN_WIDE.includes(r)) &&
        actor.storeId !== task.storeId
      )
        throw new AppError(
          ErrorCode.ACCESS_OTHER_STORE,
          `Only ${task.storeId}'s staff, a desk agent or an admin may reassign this task (you act for ${actor.storeId ?? 'no store'})`,
        );
      if (!(await this.tasks.reassign(task, command.assignee, actor?.sub)))
        throw new AppError(ErrorCode.CARE_TASK_CLOSED, `Care task ${task._id} is closed`, [
          { status: (await this.tasks.find(task._id))?.status },
        ]);
      return (await this.tasks.find(task._id))!;
    });
  }
}
