import { Injectable } from '@nestjs/common';
import { FieldCipher } from '@crm/crypto';
import { CareHealthAuditRepository } from '../indicators/health-audit.repository';
import { HealthIndicatorsRepository } from '../indicators/health-indicators.repository';
import { toReadingView } from '../indicators/health-reading.mapper';
import { toCarePlanView } from '../plans/care-plan.mapper';
import { PlanMessagesRepository } from '../plans/plan-messages.repository';
import { PlansRepository } from '../plans/plans.repository';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import { toCareTaskView } from '../tasks/care-task.mapper';
import { CareTasksRepository } from '../tasks/care-tasks.repository';

const EXPORT_LIMIT = 10_000;

/** A member's copy of what care-plans holds about them (PIPL right of access). */
@Injectable()
export class ExportCareData {
  constructor(
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
    private readonly messages: PlanMessagesRepository,
    private readonly reminders: RefillRemindersRepository,
    private readonly readings: HealthIndicatorsRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: CareHealthAuditRepository,
  ) {}

  async execute(memberId: string) {
    const [plans, tasks, messages, reminders, readings] = await Promise.all([
      this.plans.ofMember(memberId),
      this.tasks.ofMember(memberId, EXPORT_LIMIT),
      this.messages.ofMember(memberId),
      this.reminders.ofMember(memberId, EXPORT_LIMIT),
      this.readings.ofMember(memberId, EXPORT_LIMIT),
    ]);
    if (readings.length > 0) await this.audit.record(memberId, 'read', 'member.export');
    // A head replaced by a later fill is marked only when it comes due (the sender's check).
    const heads = new Map<string, number>();
    for (const r of reminders) heads.set(r.therapy, Math.max(heads.get(r.therapy) ?? 0, r.version));
    const statusOf = (r: (typeof reminders)[number]) =>
      r.status === 'open' && r.version < heads.get(r.therapy)! ? 'superseded' : r.status;
    return {
      plans: plans.map(toCarePlanView),
      healthIndicators: readings.map((r) => toReadingView(r, this.cipher)),
      tasks: tasks.map(toCareTaskView),
      planMessages: messages.map((m) => ({
        id: m._id,
        planId: m.planId,
        kind: m.kind,
        contentKey: m.contentKey,
        dueAt: m.dueAt.toISOString(),
        status: m.status,
        ...(m.sentAt ? { sentAt: m.sentAt.toISOString() } : {}),
      })),
      refillReminders: reminders.map((r) => ({
        id: r._id,
        therapy: r.therapy,
        transactionId: r.transactionId,
        supplyEndsAt: r.supplyEndsAt.toISOString(),
        dueAt: r.dueAt.toISOString(),
        status: statusOf(r),
        ...(r.sentAt ? { sentAt: r.sentAt.toISOString() } : {}),
      })),
    };
  }
}
