import type { NotificationPurpose } from '@crm/contracts';

const DAY_MS = 86_400_000;

export interface BudgetSettings {
  /** Contacts per member, all purposes and channels together, in any rolling window. */
  size: number;
  windowDays: number;
  /** Slots marketing may never take: they stay for clinical and service messages. */
  clinicalReserve: number;
}

/**
 * One contact budget per member across purposes, priority clinical > service > marketing:
 * - clinical and service messages are never refused by the budget (a care reminder or a
 *   complaint follow-up is owed to the member); they take a slot when one is free, so they
 *   count, and go anyway when none is;
 * - marketing takes a slot only while more than `clinicalReserve` are free, and is refused
 *   otherwise: it never crowds out a clinical message, and a week of clinical contact leaves
 *   no room for promotions;
 * - between clinical and service, clinical is first where a choice remains: only an urgent
 *   clinical alert may pass quiet hours.
 * The marketing caps per channel and year apply on top, to marketing only.
 */
export function budgetRule(
  purpose: NotificationPurpose,
  settings: BudgetSettings,
): { keepFree: number; refuseWhenFull: boolean } {
  if (purpose === 'marketing')
    return { keepFree: Math.min(settings.clinicalReserve, settings.size), refuseWhenFull: true };
  return { keepFree: 0, refuseWhenFull: false };
}

export function budgetWindowStart(now: Date, windowDays: number): Date {
  return new Date(now.getTime() - windowDays * DAY_MS);
}
