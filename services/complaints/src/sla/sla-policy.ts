import type { ComplaintChannel, ComplaintSeverity } from '@crm/contracts';
import type { BusinessCalendar, OpeningSpan } from './sla-clock';

/** Targets of one severity and channel, in business minutes of the case's calendar. */
export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/**
 * SLA policies as data (stored in `sla_settings`, seeded with DEFAULT_SLA_SETTINGS): targets per
 * severity and channel, the hotline's hours (it answers hotline and online complaints), the
 * stores' hours (a store complaint runs on its store's), and the public holidays.
 */
export interface SlaSettings {
  utcOffsetMinutes: number;
  targets: Record<
    ComplaintSeverity,
    Partial<Record<ComplaintChannel, SlaTarget>> & { default: SlaTarget }
  >;
  hotlineHours: BusinessCalendar['week'];
  /** Stores' hours: `default`, and any store with its own. */
  storeHours: Record<string, BusinessCalendar['week']> & { default: BusinessCalendar['week'] };
  /** Local dates the hotline is closed (stores, being pharmacies, keep their hours). */
  holidays: string[];
  /** Weekend dates the hotline works (调休), with its hours. */
  hotlineWorkdays: Record<string, OpeningSpan[]>;
  /**
   * A reminder goes out when this share (percent) of a target's business time is left; absent
   * in settings written before reminders existed (DEFAULT_REMINDER_PERCENT then).
   */
  reminderBeforePercent?: number;
}

export const DEFAULT_REMINDER_PERCENT = 25;

const every = (span: OpeningSpan): BusinessCalendar['week'] => ({
  1: [span],
  2: [span],
  3: [span],
  4: [span],
  5: [span],
  6: [span],
  7: [span],
});
const HOUR = 60;

export const DEFAULT_SLA_SETTINGS: SlaSettings = {
  utcOffsetMinutes: 480,
  targets: {
    critical: { default: { firstResponseMinutes: 1 * HOUR, resolutionMinutes: 8 * HOUR } },
    high: { default: { firstResponseMinutes: 2 * HOUR, resolutionMinutes: 16 * HOUR } },
    medium: { default: { firstResponseMinutes: 4 * HOUR, resolutionMinutes: 24 * HOUR } },
    low: { default: { firstResponseMinutes: 8 * HOUR, resolutionMinutes: 40 * HOUR } },
  },
  hotlineHours: {
    1: [{ open: '09:00', close: '18:00' }],
    2: [{ open: '09:00', close: '18:00' }],
    3: [{ open: '09:00', close: '18:00' }],
    4: [{ open: '09:00', close: '18:00' }],
    5: [{ open: '09:00', close: '18:00' }],
    6: [{ open: '09:00', close: '12:00' }],
  },
  storeHours: { default: every({ open: '08:30', close: '22:00' }) },
  // China's public holidays of 2026 (State Council schedule); HQ keeps the list in sla_settings.
  holidays: [
    '2026-01-01',
    '2026-01-02',
    '2026-01-03',
    '2026-02-15',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-21',
    '2026-02-22',
    '2026-02-23',
    '2026-04-04',
    '2026-04-05',
    '2026-04-06',
    '2026-05-01',
    '2026-05-02',
    '2026-05-03',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-06-20',
    '2026-06-21',
    '2026-09-25',
    '2026-09-26',
    '2026-09-27',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  hotlineWorkdays: {},
  reminderBeforePercent: DEFAULT_REMINDER_PERCENT,
};

/** The targets of a case. */
export function targetOf(
  settings: SlaSettings,
  severity: ComplaintSeverity,
  channel: ComplaintChannel,
): SlaTarget {
  const bySeverity = settings.targets[severity];
  return bySeverity[channel] ?? bySeverity.default;
}

/** The calendar a case's clock runs on: its store's hours, or the hotline's (hotline, online). */
export function calendarOf(
  settings: SlaSettings,
  channel: ComplaintChannel,
  storeId: string,
): BusinessCalendar {
  if (channel === 'store')
    return {
      utcOffsetMinutes: settings.utcOffsetMinutes,
      week: settings.storeHours[storeId] ?? settings.storeHours.default,
    };
  return {
    utcOffsetMinutes: settings.utcOffsetMinutes,
    week: settings.hotlineHours,
    holidays: settings.holidays,
    workdays: settings.hotlineWorkdays,
  };
}
