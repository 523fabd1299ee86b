import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type ChangeCarePlanCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { nextStatus, planStatus } from './plan-state';
import { PlanMessagesRepository } from './plan-messages.repository';
import { PlansRepository, type PlanDocument } from './plans.repository';

/**
 * Pause, resume or stop a plan with a reason. Each change inserts the plan's next transition
 * (`<plan>:t<n>`): of two changes at once one wins, the other is a 409. Stopping cancels the
 * plan's open tasks and messages; a paused plan's messages wait until it resumes.
 */
@Injectable()
export class ChangeCarePlan {
  constructor(
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
    private readonly messages: PlanMessagesRepository,
  ) {}

  execute(command: ChangeCarePlanCommand, actor?: RpcActor): Promise<PlanDocument> {
    return inSpan('care.plans.change', async () => {
      const plan = await this.plans.find(command.planId);
      if (!plan || plan.memberId !== command.memberId)
        throw new AppError(ErrorCode.NOT_FOUND, `No care plan ${command.planId} for this member`);
      const transitions = await this.plans.transitionsOf(plan._id);
      const from = planStatus(transitions);
      if (!nextStatus(from, command.action))
        throw new AppError(
          ErrorCode.CARE_PLAN_TRANSITION,
          `A ${from} plan cannot be asked to ${command.action}`,
          [{ status: from, action: command.action }],
        );
      const n = transitions.length + 1;
      const inserted = await this.plans.insertTransition({
        _id: `${plan._id}:t${n}`,
        planId: plan._id,
        n,
        action: command.action,
        reason: command.reason,
        at: new Date(),
        ...(actor ? { by: actor.sub } : {}),
      });
      if (!inserted)
        throw new AppError(
          ErrorCode.CARE_PLAN_TRANSITION,
          'The plan was changed meanwhile; read it again',
        );
      const projected = (await this.plans.project(plan._id))!;
      if (projected.status === 'stopped') await this.cancelOpenWork(plan._id);
      return projected;
    });
  }

  private async cancelOpenWork(planId: string): Promise<void> {
    for (const task of await this.tasks.ofPlan(planId))
      if (task.status === 'open')
        await this.tasks.close({
          _id: task._id,
          status: 'cancelled',
          at: new Date(),
          reason: 'plan stopped',
        });
    await this.messages.cancelOpenOf(planId);
  }
}
