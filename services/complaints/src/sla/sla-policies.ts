import {
  AppError,
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  ErrorCode,
  type SlaPoliciesRequest,
} from '@crm/contracts';
import type { IsoWeekday, OpeningSpan } from './sla-clock';
import { DEFAULT_REMINDER_PERCENT, type SlaSettings, type SlaTarget } from './sla-policy';

type Week = SlaSettings['hotlineHours'];
interface Problem {
  field: string;
  reasons: string[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Adds a span to a week, noting a span that ends before it starts or overlaps another. */
function addSpan(
  week: Week,
  weekday: number,
  span: OpeningSpan,
  field: string,
  problems: Problem[],
): void {
  if (minutesOf(span.close) <= minutesOf(span.open)) {
    problems.push({ field, reasons: [`closes (${span.close}) before it opens (${span.open})`] });
    return;
  }
  const day = (week[weekday as IsoWeekday] ??= []);
  if (
    day.some(
      (other) =>
        minutesOf(span.open) < minutesOf(other.close) &&
        minutesOf(other.open) < minutesOf(span.close),
    )
  )
    problems.push({ field, reasons: [`overlaps other hours on weekday ${weekday}`] });
  day.push(span);
  day.sort((a, b) => minutesOf(a.open) - minutesOf(b.open));
}

/**
 * The settings a PUT asks for, checked beyond the field rules: a default target for every
 * severity, a resolution no shorter than the first response, one target per severity and
 * channel, hours that open before they close and do not overlap, the stores' default hours,
 * no date twice. Any problem: VALIDATION.FAILED naming every field at fault.
 */
export function settingsFromRequest(request: SlaPoliciesRequest): SlaSettings {
  const problems: Problem[] = [];
  const targets: Partial<Record<string, Record<string, SlaTarget>>> = {};
  request.targets.forEach((target, i) => {
    const field = `targets[${i}]`;
    const bySeverity = (targets[target.severity] ??= {});
    const channel = target.channel ?? 'default';
    if (bySeverity[channel])
      problems.push({ field, reasons: [`${target.severity}/${channel} is given twice`] });
    if (target.resolutionMinutes < target.firstResponseMinutes)
      problems.push({
        field: `${field}.resolutionMinutes`,
        reasons: ['must not be shorter than firstResponseMinutes'],
      });
    bySeverity[channel] = {
      firstResponseMinutes: target.firstResponseMinutes,
      resolutionMinutes: target.resolutionMinutes,
    };
  });
  for (const severity of COMPLAINT_SEVERITIES)
    if (!targets[severity]?.default)
      problems.push({ field: 'targets', reasons: [`needs a default target for ${severity}`] });

  const hotlineHours: Week = {};
  request.hotlineHours.forEach((h, i) =>
    addSpan(
      hotlineHours,
      h.weekday,
      { open: h.open, close: h.close },
      `hotlineHours[${i}]`,
      problems,
    ),
  );

  const storeWeeks: Record<string, Week> = {};
  request.storeHours.forEach((h, i) =>
    addSpan(
      (storeWeeks[h.storeId ?? 'default'] ??= {}),
      h.weekday,
      { open: h.open, close: h.close },
      `storeHours[${i}]`,
      problems,
    ),
  );
  if (!storeWeeks.default)
    problems.push({
      field: 'storeHours',
      reasons: ['needs the stores’ default hours (no storeId)'],
    });

  const holidays = [...new Set(request.holidays)].sort();
  if (holidays.length !== request.holidays.length)
    problems.push({ field: 'holidays', reasons: ['a date is given twice'] });

  const workdays: Record<string, OpeningSpan[]> = {};
  request.hotlineWorkdays.forEach((w, i) => {
    const field = `hotlineWorkdays[${i}]`;
    if (holidays.includes(w.date))
      problems.push({ field, reasons: [`${w.date} is also a holiday`] });
    const week: Week = { 1: workdays[w.date] ?? [] };
    addSpan(week, 1, { open: w.open, close: w.close }, field, problems);
    workdays[w.date] = week[1]!;
  });

  if (problems.length > 0)
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'The SLA policies are not consistent',
      problems,
    );
  return {
    utcOffsetMinutes: request.utcOffsetMinutes,
    targets: targets as SlaSettings['targets'],
    hotlineHours,
    storeHours: storeWeeks as SlaSettings['storeHours'],
    holidays,
    hotlineWorkdays: workdays,
    reminderBeforePercent: request.reminderBeforePercent,
  };
}

/** The settings as the API shows them (lists, in a fixed order). */
export function requestFromSettings(settings: SlaSettings): SlaPoliciesRequest {
  const targets: SlaPoliciesRequest['targets'] = [];
  for (const severity of COMPLAINT_SEVERITIES) {
    const bySeverity = settings.targets[severity];
    if (!bySeverity) continue;
    targets.push({ severity, ...bySeverity.default });
    for (const channel of COMPLAINT_CHANNELS) {
      const own = bySeverity[channel];
      if (own) targets.push({ severity, channel, ...own });
    }
  }
  const weekList = (week: Week) =>
    Object.entries(week)
      .sort(([a], [b]) => Number(a) - Number(b))
      .flatMap(([weekday, spans]) =>
        (spans ?? []).map((s) => ({ weekday: Number(weekday), ...s })),
      );
  const stores = Object.keys(settings.storeHours).sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );
  return {
    utcOffsetMinutes: settings.utcOffsetMinutes,
    targets,
    hotlineHours: weekList(settings.hotlineHours),
    storeHours: stores.flatMap((store) =>
      weekList(settings.storeHours[store]!).map((h) =>
        store === 'default' ? h : { storeId: store, ...h },
      ),
    ),
    holidays: [...settings.holidays].sort(),
    hotlineWorkdays: Object.keys(settings.hotlineWorkdays)
      .sort()
      .flatMap((date) => settings.hotlineWorkdays[date]!.map((s) => ({ date, ...s }))),
    reminderBeforePercent: settings.reminderBeforePercent ?? DEFAULT_REMINDER_PERCENT,
  };
}
