import { Injectable } from '@nestjs/common';
import {
  AppError,
  type ComplaintAnalyticsRequest,
  type ComplaintAnalyticsView,
  ErrorCode,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { analyseRows } from './case-rollup';
import { addDays, daysBetween, isCalendarDay, startOfLocalDay } from './local-days';
import { RolledUpFacts } from './rolled-up-facts';

/** Who reads case analysis: HQ and admins chain-wide, a store manager their own store. */
const CHAIN_WIDE = ['hq_analyst', 'admin'];
/** The longest range one question covers (the figures are computed per request, from roll-ups). */
const MAX_RANGE_DAYS = 731;

/**
 * The store a reader may analyse: anyone chain-wide any (or all), a store manager only theirs
 * (asked or not); anyone else nothing (the gateway refuses them first).
 */
export function analysedStore(
  actor: RpcActor | undefined,
  asked: string | undefined,
): string | undefined {
  const roles = actor?.roles ?? [];
  if (roles.some((role) => CHAIN_WIDE.includes(role))) return asked;
  if (roles.includes('store_manager') && actor?.storeId) {
    if (asked && asked !== actor.storeId)
      throw new AppError(
        ErrorCode.ACCESS_OTHER_STORE,
        `A store manager analyses their own store only (you act for ${actor.storeId})`,
        [{ field: 'store', reasons: [`must be ${actor.storeId} or left out`] }],
      );
    return actor.storeId;
  }
  throw new AppError(
    ErrorCode.AUTH_FORBIDDEN,
    'Case analysis is for HQ, admins and store managers',
  );
}

/** Checks a from/to pair of local days and returns the UTC bounds [start of from, end of to). */
export function rangeOf(
  from: string,
  to: string,
  offsetMinutes: number,
): { start: Date; end: Date } {
  for (const [field, day] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!isCalendarDay(day))
      throw new AppError(ErrorCode.VALIDATION_FAILED, `${day} is not a day`, [
        { field, reasons: ['must be a day that exists'] },
      ]);
  const days = daysBetween(from, to);
  if (days < 0 || days >= MAX_RANGE_DAYS)
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The range is not valid', [
      {
        field: 'to',
        reasons: [days < 0 ? 'must not be before from' : `covers at most ${MAX_RANGE_DAYS} days`],
      },
    ]);
  return {
    start: startOfLocalDay(from, offsetMinutes),
    end: startOfLocalDay(addDays(to, 1), offsetMinutes),
  };
}

/**
 * `GET /analytics/complaints`: counts, complaint rate per 1,000 sales, median first response and
 * resolution times, SLA breach rate and satisfaction, by category, cause, store, staff or month,
 * over local days. Aggregates only: no case, member or free text leaves here.
 */
@Injectable()
export class AnalyseComplaints {
  constructor(
    private readonly facts: RolledUpFacts,
    private readonly slaSettings: SlaSettingsRepository,
  ) {}

  execute(
    request: ComplaintAnalyticsRequest,
    actor: RpcActor | undefined,
  ): Promise<ComplaintAnalyticsView> {
    return inSpan('complaints.analytics', async () => {
      const storeId = analysedStore(actor, request.store);
      const offset = (await this.slaSettings.current()).utcOffsetMinutes;
      const { start, end } = rangeOf(request.from, request.to, offset);
      const [days, sales] = await Promise.all([
        this.facts.caseDays(start, end, storeId),
        this.facts.salesBetween(request.from, request.to, storeId),
      ]);
      const { totals, groups } = analyseRows(request.by, days, start, end, sales, offset);
      return {
        by: request.by,
        from: request.from,
        to: request.to,
        storeId: storeId ?? null,
        totals,
        groups,
      };
    });
  }
}
