/**
 * Business-hours arithmetic for SLA targets, on a calendar given as data: weekly opening hours,
 * public holidays (closed) and adjusted working days (China's 调休 weekends worked in exchange),
 * all in the chain's local time (a fixed UTC offset: China keeps no daylight saving). Time the
 * case waits for the member (pauses) does not count. Plain TypeScript, no clock of its own:
 * callers pass the times.
 */

/** `HH:MM`–`HH:MM` local; `close` after `open` (a counter open past midnight is two spans). */
export interface OpeningSpan {
  open: string;
  close: string;
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface BusinessCalendar {
  /** Minutes east of UTC of the local time the hours are written in (China: 480). */
  utcOffsetMinutes: number;
  /** Opening hours per weekday; a missing day is closed. */
  week: Partial<Record<IsoWeekday, OpeningSpan[]>>;
  /** Local dates (`YYYY-MM-DD`) closed whatever the weekday. */
  holidays?: readonly string[];
  /** Local dates worked with these hours whatever the weekday (a make-up working weekend). */
  workdays?: Readonly<Record<string, OpeningSpan[]>>;
}

/** A span the clock stands still (waiting for the member); `to: null` while it lasts. */
export interface Pause {
  from: Date;
  to: Date | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar with no opening hours in this many days is a mistake, not a long wait. */
const HORIZON_DAYS = 400;

function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`opening time ${hhmm} must be HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function localDate(dayStartUtcMs: number, offsetMs: number): string {
  return new Date(dayStartUtcMs + offsetMs).toISOString().slice(0, 10);
}

/** The open spans of the local day that starts at `dayStartUtcMs` (UTC ms of local midnight). */
function openSpans(
  dayStartUtcMs: number,
  calendar: BusinessCalendar,
): { from: number; to: number }[] {
  const offsetMs = calendar.utcOffsetMinutes * MINUTE;
  const date = localDate(dayStartUtcMs, offsetMs);
  const weekday = (((new Date(dayStartUtcMs + offsetMs).getUTCDay() + 6) % 7) + 1) as IsoWeekday;
  const spans =
    calendar.workdays?.[date] ??
    (calendar.holidays?.includes(date) ? [] : (calendar.week[weekday] ?? []));
  return spans
    .map((span) => ({
      from: dayStartUtcMs + minutesOf(span.open) * MINUTE,
      to: dayStartUtcMs + minutesOf(span.close) * MINUTE,
    }))
    .filter((span) => span.to > span.from)
    .sort((a, b) => a.from - b.from);
}

/** UTC ms of the local midnight on or before `at`. */
function localMidnight(at: number, calendar: BusinessCalendar): number {
  const offsetMs = calendar.utcOffsetMinutes * MINUTE;
  return Math.floor((at + offsetMs) / DAY) * DAY - offsetMs;
}

/** `span` minus the pauses, as the pieces left (in order). */
function withoutPauses(
  span: { from: number; to: number },
  pauses: readonly Pause[],
): { from: number; to: number }[] {
  let pieces = [span];
  for (const pause of pauses) {
    const from = pause.from.getTime();
    const to = pause.to ? pause.to.getTime() : Number.POSITIVE_INFINITY;
    pieces = pieces.flatMap((piece) => {
      if (to <= piece.from || from >= piece.to) return [piece];
      const left = from > piece.from ? [{ from: piece.from, to: from }] : [];
      const right = to < piece.to ? [{ from: to, to: piece.to }] : [];
      return [...left, ...right];
    });
  }
  return pieces;
}

/** The counting spans from `start` on, day by day, pauses taken out. */
function* countingSpans(
  start: Date,
  calendar: BusinessCalendar,
  pauses: readonly Pause[],
): Generator<{ from: number; to: number }> {
  const begin = start.getTime();
  let day = localMidnight(begin, calendar);
  let emptyDays = 0;
  while (emptyDays < HORIZON_DAYS) {
    const spans = openSpans(day, calendar);
    emptyDays = spans.length === 0 ? emptyDays + 1 : 0;
    for (const span of spans) {
      if (span.to <= begin) continue;
      const clipped = { from: Math.max(span.from, begin), to: span.to };
      yield* withoutPauses(clipped, pauses);
    }
    // Local days are 24 h long at a fixed offset; the next midnight is one day on.
    day += DAY;
  }
  throw new Error(`the calendar has no opening hours within ${HORIZON_DAYS} days`);
}

/**
 * When `minutes` business minutes after `start` fall: the SLA due time. null when a pause that
 * has not ended stops the clock before the target is reached (the due time is unknown until
 * the member answers).
 */
export function addBusinessMinutes(
  start: Date,
  minutes: number,
  calendar: BusinessCalendar,
  pauses: readonly Pause[] = [],
): Date | null {
  if (minutes < 0) throw new Error('minutes must not be negative');
  const stopsAt = pauses.find((p) => p.to === null)?.from.getTime() ?? Number.POSITIVE_INFINITY;
  const ended = pauses.filter((p) => p.to !== null);
  let left = minutes * MINUTE;
  if (left === 0) return start;
  for (const span of countingSpans(start, calendar, ended)) {
    if (span.from >= stopsAt) return null;
    const length = Math.min(span.to, stopsAt) - span.from;
    if (length >= left) return new Date(span.from + left);
    left -= length;
  }
  /* istanbul ignore next -- countingSpans throws first */
  return null;
}

/** Business minutes between `from` and `to` (0 if `to` is not after `from`), pauses excluded. */
export function businessMinutesBetween(
  from: Date,
  to: Date,
  calendar: BusinessCalendar,
  pauses: readonly Pause[] = [],
): number {
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  const upTo = pauses.map((p) => ({ from: p.from, to: p.to ?? to }));
  let total = 0;
  for (const span of countingSpans(from, calendar, upTo)) {
    if (span.from >= end) break;
    total += Math.min(span.to, end) - span.from;
  }
  return total / MINUTE;
}
