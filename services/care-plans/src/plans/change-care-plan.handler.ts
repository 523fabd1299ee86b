import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type ChangeCarePlanCommand,
  PLAN_STOPPED,
  type PlanStoppedPayload,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareEventsRepository } from '../events/care-events.repository';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { nextStatus, planStatus } from './plan-state';
import { PlanMessagesRepository } from './plan-messages.repository';
import { PlansRepository, type PlanDocument } from './plans.repository';

/**
 * Pause, resume or stop a plan with a reason. Each change inserts the plan's next transition
 * (`<plan>:t<n>`): of two changes at once one wins, the other is a 409. Stopping cancels the
 * plan's open tasks and messages and announces `plan.stopped`; a paused plan's messages wait
 * until it resumes.
 */
@Injectable()
export class ChangeCarePlan {
  constructor(
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
    private readonly messages: PlanMessagesRepository,
    private readonly events: CareEventsRepository,
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
      if (projected.status === 'stopped') await this.afterStop(projected);
      return projected;
    });
  }

  /**
   * Stops every plan of the member that is not stopped yet (consent withdrawn, member erased),
   * and finishes the stop of those already stopped: a crash after a stop's transition and
   * before its cancellations is repaired when the cause is delivered again.
   */
  async stopAllOf(memberId: string, reason: string): Promise<number> {
    let stopped = 0;
    for (const plan of await this.plans.ofMember(memberId)) {
      if (plan.status !== 'stopped') {
        try {
          await this.execute({ memberId, planId: plan._id, action: 'stop', reason });
          stopped++;
        } catch (error) {
          // Stopped meanwhile by someone else: what matters is that it is stopped.
          if (!(error instanceof AppError && error.code === ErrorCode.CARE_PLAN_TRANSITION))
            throw error;
        }
      }
      const now = await this.plans.project(plan._id);
      if (now?.status === 'stopped') await this.afterStop(now);
    }
    return stopped;
  }

  private async afterStop(plan: PlanDocument): Promise<void> {
    for (const task of await this.tasks.ofPlan(plan._id))
      if (task.status === 'open' || task.status === 'escalated')
        await this.tasks.close({
          _id: task._id,
          status: 'cancelled',
          at: new Date(),
          reason: 'plan stopped',
        });
    await this.messages.cancelOpenOf(plan._id);
    const stop = plan.history.find((t) => t.action === 'stop');
    const at = stop?.at ?? new Date();
    const payload: PlanStoppedPayload = {
      planId: plan._id,
      memberId: plan.memberId,
      templateId: plan.templateId,
      storeId: plan.storeId,
      reason: stop?.reason ?? 'stopped',
      stoppedAt: at.toISOString(),
    };
    await this.events.emit({
      type: PLAN_STOPPED,
      cause: plan._id,
      key: plan.memberId,
      payload,
      at,
    });
  }
}
