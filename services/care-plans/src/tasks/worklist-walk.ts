import type { CareTaskDocument } from './care-task.document';
import {
  type BucketMarker,
  endOf,
  inRange,
  slotKey,
  SLOTS_PER_DAY,
  slotsOfDay,
} from './worklist-buckets';

/** What a walk reads: markers under a parent, and the live tasks of one day or slot. */
export interface WorklistStore {
  /** The ids of the markers whose parent is `parent` (a list's months, a month's days). */
  children(parent: string): Promise<string[]>;
  /** The tasks whose `worklist` holds `key` (a day or a slot), of `assignee` when given. */
  bucket(key: string, assignee?: string): Promise<CareTaskDocument[]>;
  /** Takes a marker out of its list (WorklistMarkers.retire): its bucket held no live task. */
  retire(marker: BucketMarker): Promise<void>;
}

export interface WalkRequest {
  /** `S001|open`: the store's list for one live status. */
  list: string;
  assignee?: string;
  /** Tasks strictly after this (due time, then id): the previous page's last. */
  after?: { dueAt: Date; id: string };
  /** Tasks due at or before this. */
  dueBy?: Date;
  /** How many tasks to find (a page and one more, to know there is a next). */
  need: number;
  now: Date;
}

export interface WalkResult {
  tasks: CareTaskDocument[];
  /** Store reads made: marker listings, days and slots. */
  reads: number;
  retired: number;
}

/** A day with more live tasks than this is read slot by slot. */
export const BUSY_DAY = 120;
/** A day or month that ended this long ago and held no live task is taken out of its list. */
export const RETIRE_AFTER_MS = 3_600_000;
/** Markers one page takes out at the most (each is two writes). */
const RETIRE_PER_PAGE = 4;
/** Empty slots in a row make the next read wider, up to this many slots at once. */
const MAX_SLOTS_AT_ONCE = 8;
/** Days whose size this process remembers (a hint: it decides how a day is read, not what). */
const REMEMBERED_DAYS = 20_000;

/**
 * How many live tasks the days this process read last had: a day read whole that turns out
 * busy is read by slot from then on. Whatever other replicas do, the hint only chooses between
 * two reads that find the same tasks.
 */
export class DaySizes {
  private readonly sizes = new Map<string, number>();

  isBusy(day: string): boolean {
    return (this.sizes.get(day) ?? 0) > BUSY_DAY;
  }

  note(day: string, tasks: number): void {
    this.sizes.delete(day);
    this.sizes.set(day, tasks);
    if (this.sizes.size > REMEMBERED_DAYS) this.sizes.delete(this.sizes.keys().next().value!);
  }
}

/**
 * One page of a store's live tasks by due time: the list's months, each month's days, and each
 * day's tasks from the cursor on, until the page is full. A day is read whole (one equality on
 * its key), unless this process saw it busy (more than BUSY_DAY tasks): then slot by slot from
 * the cursor, several empty slots at once. Only equalities are asked, which the local store
 * hands to its indexes; a page reads the rows of the days or slots it needs, however long the
 * list.
 *
 * A day (or month) found without any live task, long over, is retired from the list on the way
 * (see WorklistMarkers.retire), so the days whose tasks were all closed are walked once, not by
 * every page after. Not with an assignee: other people's tasks may still be there.
 */
export async function walkWorklist(
  store: WorklistStore,
  sizes: DaySizes,
  request: WalkRequest,
): Promise<WalkResult> {
  const { list, assignee, after, dueBy, need, now } = request;
  const from = after ? slotKey(list, after.dueAt) : undefined;
  // Keys compare as times for years 0-9999 (four digits); a bound past them bounds nothing.
  const until = dueBy && dueBy.getUTCFullYear() <= 9999 ? slotKey(list, dueBy) : undefined;
  const found: CareTaskDocument[] = [];
  const keep = (tasks: CareTaskDocument[]) =>
    found.push(...tasks.filter((t) => isAfter(t, after) && isDueBy(t, dueBy)).sort(byDueThenId));
  let reads = 1;
  let retired = 0;
  const retire = async (marker: BucketMarker): Promise<void> => {
    if (assignee || retired >= RETIRE_PER_PAGE) return;
    if (endOf(marker._id).getTime() > now.getTime() - RETIRE_AFTER_MS) return;
    await store.retire(marker);
    retired++;
  };
  const months = (await store.children(list)).sort();
  for (const month of months) {
    if (!inRange(month, from, until)) {
      if (until && !inRange(month, undefined, until)) break;
      continue;
    }
    const days = (await store.children(month)).sort();
    reads++;
    if (days.length === 0) await retire({ _id: month, parent: list });
    for (const day of days) {
      if (!inRange(day, from, until)) {
        if (until && !inRange(day, undefined, until)) break;
        continue;
      }
      let live: number;
      if (!sizes.isBusy(day)) {
        const tasks = await store.bucket(day, assignee);
        reads++;
        keep(tasks);
        live = tasks.length;
      } else {
        const slots = slotsOfDay(day).filter((slot) => inRange(slot, from, until));
        live = 0;
        let width = 1;
        let i = 0;
        while (i < slots.length && found.length < need) {
          const batch = slots.slice(i, i + width);
          const rows = (
            await Promise.all(batch.map((slot) => store.bucket(slot, assignee)))
          ).flat();
          reads += batch.length;
          i += batch.length;
          keep(rows);
          live += rows.length;
          width = rows.length > 0 ? 1 : Math.min(width * 2, MAX_SLOTS_AT_ONCE);
        }
        // Only a day read to its end tells its size (and whether it is empty).
        if (i < SLOTS_PER_DAY || slots.length < SLOTS_PER_DAY) live = -1;
      }
      if (live >= 0 && !assignee) sizes.note(day, live);
      if (live === 0) await retire({ _id: day, parent: month });
      if (found.length >= need) return { tasks: found.slice(0, need), reads, retired };
    }
  }
  return { tasks: found, reads, retired };
}

export function byDueThenId(a: CareTaskDocument, b: CareTaskDocument): number {
  return a.dueAt.getTime() - b.dueAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
}

function isAfter(task: CareTaskDocument, after?: { dueAt: Date; id: string }): boolean {
  if (!after) return true;
  const d = task.dueAt.getTime() - after.dueAt.getTime();
  return d > 0 || (d === 0 && task._id > after.id);
}

function isDueBy(task: CareTaskDocument, dueBy?: Date): boolean {
  return !dueBy || task.dueAt.getTime() <= dueBy.getTime();
}
