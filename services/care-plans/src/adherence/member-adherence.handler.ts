import { Injectable } from '@nestjs/common';
import {
  ADHERENCE_LOW,
  type AdherenceLowPayload,
  type AdherenceRequest,
  type AdherenceView,
  AppError,
  ErrorCode,
  maySeeHealth,
  type TherapyAdherenceView,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareEventsRepository } from '../events/care-events.repository';
import { CareHealthAuditRepository } from '../indicators/health-audit.repository';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { netFills, proportionOfDaysCovered } from './pdc';

const DAY_MS = 86_400_000;
export const PDC_THRESHOLD = 0.8;
const MAX_WINDOW_DAYS = 731;
/** The outreach is a call by the store, due within three days. */
const OUTREACH_DUE_DAYS = 3;

/**
 * PDC per therapy class from the member's refill history (the days each sale supplied, less
 * what refunds took back). A class under 0.8 opens an outreach task and announces
 * `adherence.low`, once per member, class and window: both are keyed by them, so asking again
 * (or on another replica) opens nothing twice.
 */
@Injectable()
export class MemberAdherence {
  constructor(
    private readonly reminders: RefillRemindersRepository,
    private readonly tasks: CareTasksRepository,
    private readonly events: CareEventsRepository,
    private readonly audit: CareHealthAuditRepository,
  ) {}

  execute(request: AdherenceRequest, actor?: RpcActor): Promise<AdherenceView> {
    return inSpan('care.adherence', async () => {
      if (actor && !maySeeHealth(actor.roles))
        throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Adherence is for the health roles');
      const now = new Date();
      const to = request.to ? new Date(request.to) : now;
      const from = request.from ? new Date(request.from) : new Date(to.getTime() - 365 * DAY_MS);
      if (from.getTime() > to.getTime() || to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'The window is not valid', [
          { field: 'from', reasons: ['from must be before to, and at most two years before it'] },
        ]);
      const history = (await this.reminders.ofMember(request.memberId, 10_000)).filter(
        (v) => v.days !== undefined,
      );
      const byTherapy = new Map<string, typeof history>();
      for (const v of history) byTherapy.set(v.therapy, [...(byTherapy.get(v.therapy) ?? []), v]);
      const window = `${day(from)}~${day(to)}`;
      const items: TherapyAdherenceView[] = [];
      for (const [therapy, versions] of [...byTherapy].sort(([a], [b]) => a.localeCompare(b))) {
        const fills = netFills(
          versions.map((v) => ({
            transactionId: v.transactionId,
            at: v.at,
            days: v.days!,
            ...(v.refundOf ? { refundOf: v.refundOf } : {}),
          })),
        );
        const result = proportionOfDaysCovered(fills, from, to);
        if (result.pdc === null) continue;
        const low = result.pdc < PDC_THRESHOLD;
        const storeId = versions[versions.length - 1]!.storeId;
        const item: TherapyAdherenceView = {
          therapy,
          pdc: result.pdc,
          coveredDays: result.coveredDays,
          periodDays: result.periodDays,
          fills: result.fills,
          firstFillAt: result.firstFillAt!.toISOString(),
          low,
        };
        if (low)
          item.outreachTaskId = await this.outreach(
            request.memberId,
            therapy,
            window,
            storeId,
            result.pdc,
            from,
            to,
            now,
          );
        items.push(item);
      }
      await this.audit.record(request.memberId, 'read', 'adherence', actor, ['adherence']);
      return {
        memberId: request.memberId,
        from: from.toISOString(),
        to: to.toISOString(),
        threshold: PDC_THRESHOLD,
        items,
      };
    });
  }

  private async outreach(
    memberId: string,
    therapy: string,
    window: string,
    storeId: string,
    pdc: number,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<string> {
    const taskId = `adherence:${memberId}:${therapy}:${window}`;
    const task: CareTaskDocument = {
      _id: taskId,
      memberId,
      kind: 'call',
      priority: 'high',
      dueAt: new Date(now.getTime() + OUTREACH_DUE_DAYS * DAY_MS),
      status: 'open',
      cause: { type: 'adherence', therapy, window },
      assigneeRole: 'pharmacist',
      storeId,
      contentKey: 'care.adherence-outreach',
      createdAt: now,
    };
    await this.tasks.insertNew([task]);
    const payload: AdherenceLowPayload = {
      memberId,
      therapy,
      pdc,
      from: from.toISOString(),
      to: to.toISOString(),
      taskId,
    };
    await this.events.emit({ type: ADHERENCE_LOW, cause: taskId, key: memberId, payload, at: now });
    return taskId;
  }
}

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}
