import { Injectable } from '@nestjs/common';
import { PLAN_ENROLLED, type PlanEnrolledPayload } from '@crm/contracts';
import { CareEventsRepository } from '../events/care-events.repository';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import type { TemplateDocument } from '../templates/templates.repository';
import { TemplatesRepository } from '../templates/templates.repository';
import { NOT_CHECKED } from '../safety/plan-step-safety';
import { planStepId } from './plan-state';
import { PlanMessagesRepository, type PlanMessageDocument } from './plan-messages.repository';
import { PlansRepository, type PlanDocument } from './plans.repository';

const DAY_MS = 86_400_000;

/**
 * What a step recommends after the plan's safety check; a step with products but no check on
 * the plan (enrolled before steps recommended products) recommends none of them.
 */
function recommendationOf(
  plan: PlanDocument,
  step: TemplateDocument['steps'][number],
  index: number,
): Pick<CareTaskDocument, 'products' | 'heldBack'> {
  const products = step.products ?? [];
  if (products.length === 0) return {};
  const checked = plan.safety?.find((s) => s.step === index);
  if (checked) return { products: checked.recommended, heldBack: checked.heldBack };
  return { products: [], heldBack: products.map(({ sku }) => ({ sku, ...NOT_CHECKED })) };
}

/**
 * A plan's steps become tasks (for the pharmacist or the store) and scheduled messages (to the
 * member), each inserted under `plan:<plan>:s<i>`: doing it again (after a crash, or by the
 * repair round on another replica) inserts nothing twice.
 */
@Injectable()
export class MaterializePlan {
  constructor(
    private readonly plans: PlansRepository,
    private readonly templates: TemplatesRepository,
    private readonly tasks: CareTasksRepository,
    private readonly messages: PlanMessagesRepository,
    private readonly events: CareEventsRepository,
  ) {}

  async execute(plan: PlanDocument, template?: TemplateDocument): Promise<PlanDocument> {
    const version =
      template ??
      (await this.templates.collection.findOne({
        _id: `${plan.templateId}:v${plan.templateVersion}`,
      }));
    if (!version)
      throw new Error(`template ${plan.templateId} v${plan.templateVersion} is missing`);
    const now = new Date();
    const tasks: CareTaskDocument[] = [];
    const messages: PlanMessageDocument[] = [];
    version.steps.forEach((step, index) => {
      const id = planStepId(plan._id, index);
      const recommends = recommendationOf(plan, step, index);
      const dueAt = new Date(plan.startAt.getTime() + step.offsetDays * DAY_MS);
      if (step.actor === 'member')
        messages.push({
          _id: id,
          planId: plan._id,
          memberId: plan.memberId,
          kind: step.kind,
          contentKey: step.contentKey,
          dueAt,
          status: 'open',
          createdAt: now,
          ...recommends,
        });
      else
        tasks.push({
          _id: id,
          memberId: plan.memberId,
          planId: plan._id,
          kind: step.kind,
          priority: 'normal',
          dueAt,
          status: 'open',
          cause: { type: 'plan', step: index },
          assigneeRole: step.actor,
          storeId: plan.storeId,
          contentKey: step.contentKey,
          createdAt: now,
          ...recommends,
        });
    });
    await this.tasks.insertNew(tasks);
    await this.messages.insertNew(messages);
    // Announced before the plan is marked done: a crash in between announces it again (once).
    const payload: PlanEnrolledPayload = {
      planId: plan._id,
      memberId: plan.memberId,
      templateId: plan.templateId,
      templateVersion: plan.templateVersion,
      storeId: plan.storeId,
      startAt: plan.startAt.toISOString(),
    };
    await this.events.emit({
      type: PLAN_ENROLLED,
      cause: plan._id,
      key: plan.memberId,
      payload,
      at: plan.enrolledAt,
    });
    await this.plans.markMaterialized(plan._id, tasks.length, messages.length);
    return { ...plan, materialized: true, tasks: tasks.length, messages: messages.length };
  }
}
