import { quietUntil, type QuietWindow } from './quiet-hours';

const FIXED_OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** True when `zone` is a fixed offset we read, or a zone name the runtime's zone database knows. */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'GMT') return true;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) return Number(fixed[2]) * 60 + Number(fixed[3] ?? 0) <= 14 * 60;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC in `zone` at the instant `at` (a zone name follows its daylight saving). */
export function utcOffsetMinutesAt(zone: string, at: Date): number {
  if (zone === 'UTC' || zone === 'GMT') return 0;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!offset) return 0; // "GMT" alone: the zone is at UTC now
  return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
}

/** `UTC+8`, `UTC-03:30`: how the chain's default offset is shown. */
export function offsetZoneName(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const mm = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${mm ? `:${String(mm).padStart(2, '0')}` : ''}`;
}

/**
 * quietUntil in a named zone: the window is read at the offset in force at `at`; when the
 * window's end falls after a daylight-saving change, its end is moved to the local wall-clock
 * end under the new offset (08:00 stays 08:00 on the member's clock).
 */
export function quietUntilInZone(at: Date, window: QuietWindow, zone: string): Date | null {
  const offset = utcOffsetMinutesAt(zone, at);
  const end = quietUntil(at, window, offset);
  if (!end) return null;
  const offsetAtEnd = utcOffsetMinutesAt(zone, end);
  return offsetAtEnd === offset ? end : new Date(end.getTime() + (offset - offsetAtEnd) * 60_000);
}
