import { Injectable } from '@nestjs/common';
import {
  AppError,
  type CareTaskView,
  ErrorCode,
  type MemberCadenceView,
  type MemberStoppedCommand,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareBus } from '../bus/care-bus';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { toCareTaskView } from '../tasks/care-task.mapper';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { endOfStoreDay } from '../tasks/on-time';
import {
  cadenceTier,
  expectedNextPurchase,
  monthOfContacts,
  STOPPED_MEMBER_TASKS,
  type PlannedContact,
} from './cadence';

const DAY_MS = 86_400_000;

/**
 * A member's cadence from what care-plans saw them buy (sales with days of supply, followed
 * sales), scheduled as the month's tasks once per member and month (`cadence:<member>:<month>:
 * <kind><n>`), and the task for a member who stopped buying, once per member, reason and day.
 */
@Injectable()
export class MemberCadence {
  constructor(
    private readonly reminders: RefillRemindersRepository,
    private readonly tasks: CareTasksRepository,
    private readonly bus: CareBus,
  ) {}

  async view(
    memberId: string,
    now = new Date(),
  ): Promise<MemberCadenceView & { plan: PlannedContact[] }> {
    const versions = await this.reminders.ofMember(memberId, 10_000);
    const followUps = (await this.tasks.ofMember(memberId, 10_000)).filter(
      (t) => t.cause.type === 'followup' && t.cause.day === 3,
    );
    const purchases = [
      ...versions.filter((v) => (v.days ?? 0) > 0).map((v) => [v.transactionId, v.at] as const),
      ...followUps.map(
        (t) => [t.cause.transactionId!, new Date(t.dueAt.getTime() - 3 * DAY_MS)] as const,
      ),
    ];
    const distinct = [...new Map(purchases).values()];
    // The reminder in force per therapy is its highest version (an older one may still read open).
    const heads = new Map<string, (typeof versions)[number]>();
    for (const v of versions)
      if ((heads.get(v.therapy)?.version ?? 0) < v.version) heads.set(v.therapy, v);
    const supplyEnds = [...heads.values()]
      .filter((v) => v.status === 'open')
      .map((v) => v.supplyEndsAt);
    const expected = expectedNextPurchase({ purchases: distinct, supplyEnds }, now);
    const tier = expected ? cadenceTier(expected.at, now) : null;
    const plan = tier ? monthOfContacts(tier, now) : [];
    return {
      memberId,
      expectedNextPurchaseAt: expected?.at.toISOString() ?? null,
      basis: expected?.basis ?? 'none',
      tier,
      contacts: plan.map((c) => ({ kind: c.kind, dueAt: c.dueAt.toISOString() })),
      plan,
    };
  }

  schedule(memberId: string): Promise<MemberCadenceView & { tasks: CareTaskView[] }> {
    return inSpan('care.cadence.schedule', async () => {
      const { view, docs } = await this.scheduleTasks(memberId, new Date());
      const tasks = await Promise.all(docs.map((d) => this.tasks.find(d._id)));
      return { ...view, tasks: tasks.filter((t) => t !== null).map(toCareTaskView) };
    });
  }

  /**
   * Inserts the member's cadence tasks of the month `now` is in, each once per member and month
   * whoever asks (a staff member, or the timer of any replica); answers how many were new.
   */
  async scheduleTasks(
    memberId: string,
    now: Date,
  ): Promise<{ view: MemberCadenceView; docs: CareTaskDocument[]; inserted: number }> {
    const { plan, ...view } = await this.view(memberId, now);
    if (plan.length === 0) return { view, docs: [], inserted: 0 };
    const storeId = (await this.bus.hasHealthConsent(memberId)).homeStoreId ?? 'HQ';
    const month = now.toISOString().slice(0, 7);
    const docs: CareTaskDocument[] = plan.map((c) => ({
      _id: `cadence:${memberId}:${month}:${c.kind}${c.n}`,
      memberId,
      kind: c.kind,
      priority: 'normal',
      dueAt: c.dueAt,
      status: 'open',
      cause: { type: 'cadence', window: month },
      assigneeRole: 'store',
      storeId,
      contentKey: `care.cadence.${view.tier}`,
      createdAt: now,
    }));
    return { view, docs, inserted: await this.tasks.insertNew(docs) };
  }

  stopped(command: MemberStoppedCommand, actor?: RpcActor): Promise<CareTaskView> {
    return inSpan('care.cadence.stopped', async () => {
      const rule = STOPPED_MEMBER_TASKS[command.reason];
      if (!rule)
        throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown reason ${command.reason}`);
      const now = new Date();
      const storeId =
        (await this.bus.hasHealthConsent(command.memberId)).homeStoreId ?? actor?.storeId ?? 'HQ';
      const id = `stopped:${command.memberId}:${command.reason}:${now.toISOString().slice(0, 10)}`;
      await this.tasks.insertNew([
        {
          _id: id,
          memberId: command.memberId,
          kind: rule.kind,
          priority: rule.priority,
          dueAt:
            rule.dueInDays === 0
              ? endOfStoreDay(now)
              : new Date(now.getTime() + rule.dueInDays * DAY_MS),
          status: 'open',
          cause: { type: 'stopped' },
          assigneeRole: rule.assigneeRole,
          storeId,
          contentKey: rule.contentKey,
          createdAt: now,
          ...(command.note ? { note: command.note } : {}),
        },
      ]);
      return toCareTaskView((await this.tasks.find(id))!);
    });
  }
}
