/**
 * Where a live task sits in its store's worklist: a list per store and status (`S001|open`),
 * cut by due time (UTC) into days, days into blocks of BLOCK_HOURS and blocks into slots of
 * SLOT_MINUTES; days are grouped by month. A task carries the keys of its day, block and slot,
 * so a worklist page reads a quiet day whole and a busy one a block or a slot at a time, each by
 * key (an equality): the rows of a few buckets, never the whole list. Every key is fixed-width
 * after its list (for years 0-9999), so keys of one list sort as their times do.
 *
 *   list   S001|open
 *   month  S001|open|2026-12              (a marker, parent: the list)
 *   day    S001|open|2026-12-05           (a marker, parent: the month; and on the task)
 *   block  S001|open|2026-12-05T08        (on the task: 08:00 to 10:00)
 *   slot   S001|open|2026-12-05T09:30     (on the task: 09:30 to 10:00)
 */
export const SLOT_MINUTES = 30;
export const BLOCK_HOURS = 2;
export const BLOCKS_PER_DAY = 24 / BLOCK_HOURS;
export const SLOTS_PER_BLOCK = (BLOCK_HOURS * 60) / SLOT_MINUTES;
const SLOT_MS = SLOT_MINUTES * 60_000;
const BLOCK_MS = BLOCK_HOURS * 3_600_000;
const DAY_MS = 86_400_000;

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

function floorTo(at: Date, ms: number): Date {
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/** The slot key of a task due at `dueAt`, in its store's list for `status`. */
export function slotKey(list: string, dueAt: Date): string {
  return `${list}|${floorTo(dueAt, SLOT_MS).toISOString().slice(0, 16)}`;
}

function blockKey(list: string, dueAt: Date): string {
  return `${list}|${floorTo(dueAt, BLOCK_MS).toISOString().slice(0, 13)}`;
}

/** The keys a task due at `dueAt` carries in its list (its `worklist` field). */
export function worklistKeys(
  list: string,
  dueAt: Date,
): [day: string, block: string, slot: string] {
  return [
    `${list}|${dueAt.toISOString().slice(0, 10)}`,
    blockKey(list, dueAt),
    slotKey(list, dueAt),
  ];
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

/** The part of a key after its list: `2026-12`, `2026-12-05`, `…T08` or `…T09:30`. */
function timeOf(key: string): string {
  return key.slice(key.lastIndexOf('|') + 1);
}

function listOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('|'));
}

/** When a month, day, block or slot starts. */
export function startOf(key: string): Date {
  const time = timeOf(key);
  if (time.length === 7) return new Date(`${time}-01T00:00:00.000Z`);
  if (time.length === 10) return new Date(`${time}T00:00:00.000Z`);
  if (time.length === 13) return new Date(`${time}:00:00.000Z`);
  return new Date(`${time}:00.000Z`);
}

/** When a month, day, block or slot ends (the first instant after it). */
export function endOf(key: string): Date {
  const time = timeOf(key);
  const start = startOf(key);
  if (time.length === 7) return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1));
  if (time.length === 10) return new Date(start.getTime() + DAY_MS);
  if (time.length === 13) return new Date(start.getTime() + BLOCK_MS);
  return new Date(start.getTime() + SLOT_MS);
}

/** The blocks of a day marker (or a task's day key), in time order. */
export function blocksOfDay(day: string): string[] {
  const list = listOfKey(day);
  const start = startOf(day).getTime();
  return Array.from({ length: BLOCKS_PER_DAY }, (_, i) =>
    blockKey(list, new Date(start + i * BLOCK_MS)),
  );
}

/** The slots of a block, in time order. */
export function slotsOfBlock(block: string): string[] {
  const list = listOfKey(block);
  const start = startOf(block).getTime();
  return Array.from({ length: SLOTS_PER_BLOCK }, (_, i) =>
    slotKey(list, new Date(start + i * SLOT_MS)),
  );
}

/**
 * Whether the bucket `key` (month, day, block or slot) can hold tasks due in the slot `from` or
 * after, and in the slot `until` or before (either open).
 */
export function inRange(key: string, from?: string, until?: string): boolean {
  if (from && endOf(key) <= startOf(from)) return false;
  if (until && startOf(key) >= endOf(until)) return false;
  return true;
}
