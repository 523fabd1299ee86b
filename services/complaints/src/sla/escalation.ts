import { addBusinessMinutes, type BusinessCalendar, type Pause } from './sla-clock';

/** Who a missed target goes to, level by level. */
export const ESCALATION_LADDER = ['store_manager', 'region', 'hq'] as const;

/**
 * How far a missed target has climbed by `now`: 1 (store manager) from the due time, 2 (region)
 * once another target's length of business time has passed, 3 (HQ) after two; 0 before due.
 */
export function escalationLevel(
  dueAt: Date,
  targetMinutes: number,
  calendar: BusinessCalendar,
  pauses: readonly Pause[],
  now: Date,
): number {
  if (now.getTime() < dueAt.getTime()) return 0;
  let level = 1;
  while (level < ESCALATION_LADDER.length) {
    const next = addBusinessMinutes(dueAt, targetMinutes * level, calendar, pauses);
    if (!next || now.getTime() < next.getTime()) break;
    level++;
  }
  return level;
}
