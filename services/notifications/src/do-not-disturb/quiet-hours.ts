const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** A daily quiet window in local minutes after midnight; it crosses midnight when start > end. */
export interface QuietWindow {
  startMinute: number;
  endMinute: number;
}

export function quietWindow(start: string, end: string): QuietWindow {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return { startMinute: minutes(start), endMinute: minutes(end) };
}

/**
 * When `at` falls in the member's quiet hours, the end of that quiet window (the moment the
 * message may go); null when it may go now. `utcOffsetMinutes` is the member's time zone. A
 * window whose start equals its end is no window.
 */
export function quietUntil(at: Date, window: QuietWindow, utcOffsetMinutes: number): Date | null {
  const { startMinute, endMinute } = window;
  if (startMinute === endMinute) return null;
  const local = at.getTime() + utcOffsetMinutes * MINUTE;
  const minuteOfDay = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  const inside =
    startMinute < endMinute
      ? minuteOfDay >= startMinute && minuteOfDay < endMinute
      : minuteOfDay >= startMinute || minuteOfDay < endMinute;
  if (!inside) return null;
  const localMidnight = local - (((local % DAY) + DAY) % DAY);
  let end = localMidnight + endMinute * MINUTE;
  if (end <= local) end += DAY; // the window ends tomorrow morning (started this evening)
  return new Date(end - utcOffsetMinutes * MINUTE);
}
