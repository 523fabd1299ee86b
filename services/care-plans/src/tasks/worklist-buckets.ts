/**
 * Where a live task sits in its store's worklist: a list per store and status (`S001|open`),
 * cut by due time (UTC) into days, and days into slots of SLOT_MINUTES; days are grouped by
 * month. A task carries its day's and its slot's key, so a worklist page reads a quiet day
 * whole and a busy one slot by slot, each by key (an equality): the rows of a few buckets, never
 * the whole list. Every key is fixed-width after its list, so keys of one list sort as their
 * times do.
 *
 *   list   S001|open
 *   month  S001|open|2026-12              (a marker, parent: the list)
 *   day    S001|open|2026-12-05           (a marker, parent: the month; and on the task)
 *   slot   S001|open|2026-12-05T09:30     (on the task)
 */
export const SLOT_MINUTES = 30;
export const SLOTS_PER_DAY = (24 * 60) / SLOT_MINUTES;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The statuses a worklist holds; done and cancelled tasks leave it. */
export const LIVE_STATUSES = ['open', 'escalated'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

export function isLive(status: string | undefined): status is LiveStatus {
  return (LIVE_STATUSES as readonly string[]).includes(status ?? '');
}

/** A marker: a day or month of a list that has (or had) live tasks. */
export interface BucketMarker {
  _id: string;
  parent: string;
}

export function listOf(storeId: string, status: LiveStatus): string {
  return `${storeId}|${status}`;
}

/** The slot key of a task due at `dueAt`, in its store's list for `status`. */
export function slotKey(list: string, dueAt: Date): string {
  const start = new Date(Math.floor(dueAt.getTime() / SLOT_MS) * SLOT_MS);
  return `${list}|${start.toISOString().slice(0, 16)}`;
}

/** The keys a task due at `dueAt` carries in its list (its `worklist` field): day, slot. */
export function worklistKeys(list: string, dueAt: Date): [day: string, slot: string] {
  return [`${list}|${dueAt.toISOString().slice(0, 10)}`, slotKey(list, dueAt)];
}

/** The day and month markers a task due at `dueAt` needs in its list. */
export function markersFor(list: string, dueAt: Date): [month: BucketMarker, day: BucketMarker] {
  const iso = dueAt.toISOString();
  const month = `${list}|${iso.slice(0, 7)}`;
  return [
    { _id: month, parent: list },
    { _id: `${list}|${iso.slice(0, 10)}`, parent: month },
  ];
}

/** The part of a key after its list: `2026-12`, `2026-12-05` or `2026-12-05T09:30`. */
function timeOf(key: string): string {
  return key.slice(key.lastIndexOf('|') + 1);
}

function listOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('|'));
}

/** The slots of a day marker, in time order. */
export function slotsOfDay(day: string): string[] {
  const list = listOfKey(day);
  const start = Date.parse(`${timeOf(day)}T00:00:00.000Z`);
  return Array.from({ length: SLOTS_PER_DAY }, (_, i) =>
    slotKey(list, new Date(start + i * SLOT_MS)),
  );
}

/** When a day, month or slot ends (the first instant after it). */
export function endOf(key: string): Date {
  const time = timeOf(key);
  if (time.length === 16) return new Date(Date.parse(`${time}:00.000Z`) + SLOT_MS);
  if (time.length === 10) return new Date(Date.parse(`${time}T00:00:00.000Z`) + 86_400_000);
  const [year, month] = time.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)); // Date.UTC months are 0-based: this is the next
}

/**
 * Whether the bucket `key` (month, day or slot) can hold tasks at or after `from` and at or
 * before `until` (either open): keys of one list compare as their times do, so a bucket is
 * before `from` when its key sorts before `from`'s key of the same length.
 */
export function inRange(key: string, from?: string, until?: string): boolean {
  const time = timeOf(key);
  if (from && time < timeOf(from).slice(0, time.length)) return false;
  if (until && time > timeOf(until).slice(0, time.length)) return false;
  return true;
}
