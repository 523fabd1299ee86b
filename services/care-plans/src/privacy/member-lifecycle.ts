import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type MemberErasedPayload,
  type MemberMergedPayload,
  type MemberUpdatedPayload,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CareBus } from '../bus/care-bus';
import { ChangeCarePlan } from '../plans/change-care-plan.handler';
import { PlanMessagesRepository } from '../plans/plan-messages.repository';
import { PlansRepository } from '../plans/plans.repository';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { HealthDataEraser } from './health-data-eraser';

export const CONSENT_WITHDRAWN = 'health-data consent withdrawn';
export const MEMBER_ERASED_REASON = 'member erased';

/**
 * What the member's life in the members service means here. Each step is a projection or an
 * insert keyed by its cause, so a redelivered event (or two replicas) changes nothing twice.
 */
@Injectable()
export class MemberLifecycle {
  constructor(
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
    private readonly messages: PlanMessagesRepository,
    private readonly reminders: RefillRemindersRepository,
    private readonly changePlan: ChangeCarePlan,
    private readonly healthData: HealthDataEraser,
    private readonly bus: CareBus,
  ) {}

  /**
   * Plans, tasks, messages, reminders and readings of the merged record follow the survivor.
   * A plan of a template the survivor already follows is stopped (one active plan per
   * template); a refill reminder of a therapy the survivor is reminded of already gives way.
   */
  merged(event: MemberMergedPayload): Promise<void> {
    return inSpan('care.members.merged', async () => {
      const { survivorId, mergedId } = event;
      const survivorOpen = new Set(
        (await this.reminders.ofMember(survivorId, 10_000))
          .filter((r) => r.status === 'open')
          .map((r) => r.therapy),
      );
      await this.reminders.collection.updateMany(
        { memberId: mergedId, status: 'open', therapy: { $in: [...survivorOpen] } },
        { $set: { status: 'superseded' } },
      );
      await this.reminders.collection.updateMany(
        { memberId: mergedId },
        { $set: { memberId: survivorId } },
      );
      await this.tasks.moveMember(mergedId, survivorId);
      await this.messages.collection.updateMany(
        { memberId: mergedId },
        { $set: { memberId: survivorId } },
      );
      await this.plans.plans.updateMany({ memberId: mergedId }, { $set: { memberId: survivorId } });
      await this.healthData.moveTo(mergedId, survivorId);

      const following = new Map<string, string>();
      // Oldest first: the plan the survivor had first stays, a later duplicate stops.
      for (const plan of (await this.plans.ofMember(survivorId)).reverse()) {
        if (plan.status === 'stopped') continue;
        if (!following.has(plan.templateId)) {
          following.set(plan.templateId, plan._id);
          continue;
        }
        await this.changePlan
          .execute({
            memberId: survivorId,
            planId: plan._id,
            action: 'stop',
            reason: `duplicate after merge (kept ${following.get(plan.templateId)})`,
          })
          .catch(ignoreTransitionRace);
      }
    });
  }

  /** Erasure: plans stop, health data goes; tasks stay as anonymous counts for the worklist figures. */
  erased(event: MemberErasedPayload): Promise<void> {
    return inSpan('care.members.erased', async () => {
      await this.changePlan.stopAllOf(event.memberId, MEMBER_ERASED_REASON);
      for (const task of await this.tasks.ofMember(event.memberId, 10_000))
        if (task.status === 'open' || task.status === 'escalated')
          await this.tasks.close({
            _id: task._id,
            status: 'cancelled',
            at: new Date(),
            reason: MEMBER_ERASED_REASON,
          });
      await this.tasks.eraseDetailsOf(event.memberId);
      await this.messages.collection.deleteMany({ memberId: event.memberId });
      await this.reminders.collection.deleteMany({ memberId: event.memberId });
      await this.healthData.erase(event.memberId);
    });
  }

  /**
   * `member.updated` names changed fields, never values: when the consents changed, the
   * members service is asked whether the health-data consent still stands. Without it, the
   * plans stop with the reason and the health data held here is erased.
   */
  updated(event: MemberUpdatedPayload): Promise<void> {
    if (!event.fields.includes('consents')) return Promise.resolve();
    return inSpan('care.members.consent', async () => {
      let consent: boolean;
      try {
        consent = (await this.bus.hasHealthConsent(event.memberId)).consent;
      } catch (error) {
        // Gone since (erased or merged): member.erased / member.merged do the rest.
        if (
          error instanceof AppError &&
          (error.code === ErrorCode.MEMBER_NOT_FOUND || error.code === ErrorCode.MEMBER_ERASED)
        )
          return;
        throw error;
      }
      if (consent) return;
      await this.changePlan.stopAllOf(event.memberId, CONSENT_WITHDRAWN);
      await this.healthData.erase(event.memberId);
    });
  }
}

function ignoreTransitionRace(error: unknown): void {
  if (!(error instanceof AppError && error.code === ErrorCode.CARE_PLAN_TRANSITION)) throw error;
}
