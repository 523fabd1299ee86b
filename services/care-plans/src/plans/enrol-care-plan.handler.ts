import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type EnrolCarePlanCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareBus } from '../bus/care-bus';
import { reviewPlanSteps } from '../safety/plan-step-safety';
import { CheckProductSafety } from '../safety/safety-check.handler';
import { TemplatesRepository } from '../templates/templates.repository';
import { MaterializePlan } from './materialize-plan';
import { PlansRepository, type PlanDocument } from './plans.repository';

/**
 * Enrols a member in a plan of the newest version of a template: only with the member's
 * health-data consent (asked of the members service now), and only one active or paused plan
 * per template per member (the next generation's id is inserted once). Products its steps
 * recommend are safety-checked against the member first (plan-step-safety.ts).
 */
@Injectable()
export class EnrolCarePlan {
  constructor(
    private readonly plans: PlansRepository,
    private readonly templates: TemplatesRepository,
    private readonly materialize: MaterializePlan,
    private readonly bus: CareBus,
    private readonly safety: CheckProductSafety,
  ) {}

  execute(command: EnrolCarePlanCommand, actor?: RpcActor): Promise<PlanDocument> {
    return inSpan('care.plans.enrol', async () => {
      const template = await this.templates.latest(command.templateId);
      if (!template)
        throw new AppError(ErrorCode.NOT_FOUND, `No care-plan template ${command.templateId}`, [
          { field: 'templateId', reasons: ['no such template'] },
        ]);
      const member = await this.bus.hasHealthConsent(command.memberId);
      if (!member.consent)
        throw new AppError(
          ErrorCode.CARE_HEALTH_CONSENT_REQUIRED,
          'A care plan needs the member’s separate consent to health data; record it first',
        );
      const last = await this.plans.lastOf(command.memberId, command.templateId);
      if (last && last.status !== 'stopped') throw planActive(last);
      // Steps that recommend products: checked now, in the enrolling staff member's name (a
      // health role; anyone else gets no recommendation), and kept on the plan for its steps.
      const recommends = template.steps.some((step) => (step.products ?? []).length > 0);
      const safety = recommends
        ? reviewPlanSteps(
            template.steps,
            await this.safety.healthFor(command.memberId, actor, 'plan.safety-check'),
          )
        : undefined;
      const now = new Date();
      const plan: PlanDocument = {
        _id: `${command.memberId}:${command.templateId}:${(last?.generation ?? 0) + 1}`,
        memberId: command.memberId,
        templateId: template.templateId,
        templateVersion: template.version,
        generation: (last?.generation ?? 0) + 1,
        status: 'active',
        startAt: command.startAt ? new Date(command.startAt) : now,
        enrolledAt: now,
        ...(actor ? { enrolledBy: actor.sub } : {}),
        storeId: actor?.storeId ?? member.homeStoreId ?? 'HQ',
        tasks: 0,
        messages: 0,
        history: [],
        materialized: false,
        ...(safety ? { safety } : {}),
      };
      if (!(await this.plans.insert(plan)))
        throw planActive((await this.plans.find(plan._id)) ?? plan);
      return this.materialize.execute(plan, template);
    });
  }
}

function planActive(plan: PlanDocument): AppError {
  return new AppError(
    ErrorCode.CARE_PLAN_ACTIVE,
    `The member already has a ${plan.status} ${plan.templateId} plan (${plan._id}); stop it first`,
    [{ planId: plan._id, status: plan.status }],
  );
}
