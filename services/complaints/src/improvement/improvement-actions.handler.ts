import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppError,
  type CreateImprovementActionCommand,
  ErrorCode,
  type ImprovementActionList,
  type ImprovementActionView,
  type ListImprovementActionsRequest,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { analysedStore } from '../analytics/analyse-complaints.handler';
import { addDays, isCalendarDay, localDayOf, startOfLocalDay } from '../analytics/local-days';
import { SalesRepository } from '../analytics/sales.repository';
import { CasesRepository } from '../cases/cases.repository';
import { ComplaintsClock } from '../clock/complaints-clock';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { effectOf, type Period, periodsOf } from './improvement-effect';
import {
  type ImprovementActionDocument,
  ImprovementActionsRepository,
} from './improvement-actions.repository';

/**
 * Improvement actions taken on a complaint cause (in a store or chain-wide) and their measured
 * effect: the complaint rate of that cause and scope per 1,000 sales before and after the start,
 * over equal periods, computed when read. HQ and admins record and read any; a store manager
 * their own store's (and reads the chain's too, which cover their store).
 */
@Injectable()
export class ImprovementActions {
  constructor(
    private readonly actions: ImprovementActionsRepository,
    private readonly cases: CasesRepository,
    private readonly sales: SalesRepository,
    private readonly slaSettings: SlaSettingsRepository,
    private readonly clock: ComplaintsClock,
  ) {}

  create(
    command: CreateImprovementActionCommand,
    actor: RpcActor | undefined,
  ): Promise<ImprovementActionView> {
    return inSpan('complaints.improvement-actions.create', async () => {
      analysedStore(actor, command.storeId);
      if (!isCalendarDay(command.startDate))
        throw new AppError(ErrorCode.VALIDATION_FAILED, `${command.startDate} is not a day`, [
          { field: 'startDate', reasons: ['must be a day that exists'] },
        ]);
      if (command.scope === 'chain' && isStoreManagerOnly(actor))
        throw new AppError(
          ErrorCode.AUTH_FORBIDDEN,
          'A store manager records actions for their own store (scope store)',
        );
      const by = actor?.sub ?? 'complaints';
      const id = actionIdFor(by, command.idempotencyKey);
      await this.actions.insert({
        _id: id,
        cause: command.cause,
        scope: command.scope,
        storeId: command.scope === 'store' ? command.storeId! : null,
        action: command.action,
        startDate: command.startDate,
        createdBy: by,
        createdAt: this.clock.now(),
      });
      return this.view((await this.actions.find(id))!);
    });
  }

  list(
    request: ListImprovementActionsRequest,
    actor: RpcActor | undefined,
  ): Promise<ImprovementActionList> {
    return inSpan('complaints.improvement-actions.list', async () => {
      const store = analysedStore(actor, request.store);
      const docs = await this.actions.list({
        ...(request.cause ? { cause: request.cause } : {}),
        ...(store ? { storeIds: [store, null] } : {}),
      });
      return { items: await Promise.all(docs.map((doc) => this.view(doc))) };
    });
  }

  private async view(doc: ImprovementActionDocument): Promise<ImprovementActionView> {
    const offset = (await this.slaSettings.current()).utcOffsetMinutes;
    const periods = periodsOf(doc.startDate, localDayOf(this.clock.now(), offset));
    const storeId = doc.storeId ?? undefined;
    const measure = async (period: Period) => {
      const [complaints, sales] = await Promise.all([
        this.cases.countOfCause(
          doc.cause,
          startOfLocalDay(period.from, offset),
          startOfLocalDay(addDays(period.to, 1), offset),
          storeId,
        ),
        this.sales.counts(period.from, period.to, storeId),
      ]);
      return { complaints, sales: sales.total };
    };
    const counts = periods
      ? { before: await measure(periods.before), after: await measure(periods.after) }
      : null;
    return {
      id: doc._id,
      cause: doc.cause,
      scope: doc.scope,
      storeId: doc.storeId,
      action: doc.action,
      startDate: doc.startDate,
      createdBy: doc.createdBy,
      createdAt: doc.createdAt.toISOString(),
      effect: effectOf(periods, counts),
    };
  }
}

function isStoreManagerOnly(actor: RpcActor | undefined): boolean {
  const roles = actor?.roles ?? [];
  return !roles.includes('hq_analyst') && !roles.includes('admin');
}

/** `IA` and 16 hex of a hash of the recorder and their Idempotency-Key: a retry is the same action. */
function actionIdFor(staffId: string, key: string): string {
  return `IA${createHash('sha256').update(`improvement\u0000${staffId}\u0000${key}`).digest('hex').slice(0, 16)}`;
}
