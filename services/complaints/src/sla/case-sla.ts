import type { CaseState } from '../cases/case-state';
import { addBusinessMinutes } from './sla-clock';
import { calendarOf, DEFAULT_REMINDER_PERCENT, type SlaSettings, targetOf } from './sla-policy';

export type SlaTargetName = 'firstResponse' | 'resolution';

export interface CaseSla {
  /** null while the clock stands still (waiting for the member) short of the target. */
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstRespondedAt: Date | null;
  paused: boolean;
  /** When the reminders before each target are due (the policy's share of it left). */
  firstResponseRemindAt: Date | null;
  resolutionRemindAt: Date | null;
}

/**
 * A case's due times: the first response from the intake, the resolution from the intake or
 * the last reopen (a reopened case gets a fresh resolution target), both in business minutes
 * of the case's calendar, with the member's waits taken out.
 */
export function caseSla(state: CaseState, settings: SlaSettings): CaseSla {
  const target = targetOf(settings, state.severity, state.channel);
  const calendar = calendarOf(settings, state.channel, state.storeId);
  const left = (settings.reminderBeforePercent ?? DEFAULT_REMINDER_PERCENT) / 100;
  const before = (minutes: number) => Math.floor(minutes * (1 - left));
  return {
    firstResponseDueAt: addBusinessMinutes(
      state.receivedAt,
      target.firstResponseMinutes,
      calendar,
      state.pauses,
    ),
    resolutionDueAt: addBusinessMinutes(
      state.resolutionClockFrom,
      target.resolutionMinutes,
      calendar,
      state.pauses,
    ),
    firstRespondedAt: state.firstRespondedAt,
    paused: state.waitingSince !== null,
    firstResponseRemindAt: addBusinessMinutes(
      state.receivedAt,
      before(target.firstResponseMinutes),
      calendar,
      state.pauses,
    ),
    resolutionRemindAt: addBusinessMinutes(
      state.resolutionClockFrom,
      before(target.resolutionMinutes),
      calendar,
      state.pauses,
    ),
  };
}

/** The targets missed by `now` (or met late). */
export function missedTargets(state: CaseState, sla: CaseSla, now: Date): SlaTargetName[] {
  const missed: SlaTargetName[] = [];
  const responded = state.firstRespondedAt?.getTime() ?? now.getTime();
  if (sla.firstResponseDueAt && responded > sla.firstResponseDueAt.getTime())
    missed.push('firstResponse');
  const open = state.status === 'accepted' || state.status === 'investigating';
  const resolved = open ? now.getTime() : (state.resolvedAt?.getTime() ?? now.getTime());
  if (sla.resolutionDueAt && resolved > sla.resolutionDueAt.getTime()) missed.push('resolution');
  return missed;
}
