import type { CareTaskDocument } from './care-task.document';
import {
  type BucketMarker,
  BLOCKS_PER_DAY,
  blocksOfDay,
  endOf,
  inRange,
  slotKey,
  SLOTS_PER_BLOCK,
  slotsOfBlock,
} from './worklist-buckets';

/** What a walk reads: markers under a parent, and the live tasks of one bucket. */
export interface WorklistStore {
  /** The ids of the markers whose parent is `parent` (a list's months, a month's days). */
  children(parent: string): Promise<string[]>;
  /** The tasks whose `worklist` holds `key` (a day, block or slot), of `assignee` if given. */
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
  /** Store reads made: marker listings, days, blocks and slots. */
  reads: number;
  retired: number;
}

/** A day or block with more live tasks than this is read by its parts. */
export const BUSY = 120;
/** A day or month that ended this long ago and held no live task is taken out of its list. */
export const RETIRE_AFTER_MS = 3_600_000;
/** Markers one page takes out at the most (each is two writes). */
const RETIRE_PER_PAGE = 4;
/** Days and blocks whose size this process remembers. */
const REMEMBERED = 50_000;

/**
 * How many live tasks the days and blocks this process read last held. Only a hint, whatever
 * other replicas do: it chooses how a day is read (whole, by block, by slot) and which quiet
 * blocks are read together, never which tasks a page finds.
 */
export class BucketSizes {
  private readonly sizes = new Map<string, number>();

  of(key: string): number | undefined {
    return this.sizes.get(key);
  }

  isBusy(key: string): boolean {
    return (this.sizes.get(key) ?? 0) > BUSY;
  }

  note(key: string, tasks: number): void {
    this.sizes.delete(key);
    this.sizes.set(key, tasks);
    if (this.sizes.size > REMEMBERED) this.sizes.delete(this.sizes.keys().next().value!);
  }

  /** A day read whole: its size and each of its blocks'. */
  noteDay(day: string, tasks: readonly CareTaskDocument[]): void {
    this.note(day, tasks.length);
    const blocks = new Map(blocksOfDay(day).map((block) => [block, 0]));
    for (const task of tasks) {
      const block = task.worklist?.[1];
      if (block && blocks.has(block)) blocks.set(block, blocks.get(block)! + 1);
    }
    for (const [block, n] of blocks) this.note(block, n);
  }
}

/**
 * One page of a store's live tasks by due time: the list's months, each month's days, and each
 * day's tasks from the cursor on, until the page is full. A day is read whole (one equality on
 * its key) unless this process saw it busy (more than BUSY tasks); then block by block, quiet
 * blocks together and a busy block slot by slot. Only equalities are asked, which the local
 * store hands to its indexes; a page reads the rows of the buckets it needs, however long the
 * list.
 *
 * A day (or month) found without any live task, long over, is retired from the list on the way
 * (see WorklistMarkers.retire), so the days whose tasks were all closed are walked once, not by
 * every page after. Not with an assignee: other people's tasks may still be there.
 */
export async function walkWorklist(
  store: WorklistStore,
  sizes: BucketSizes,
  request: WalkRequest,
): Promise<WalkResult> {
  const { list, assignee, after, dueBy, need, now } = request;
  const from = after ? slotKey(list, after.dueAt) : undefined;
  // Keys compare as times for years 0-9999 (four digits); a bound past them bounds nothing.
  const until = dueBy && dueBy.getUTCFullYear() <= 9999 ? slotKey(list, dueBy) : undefined;
  const within = (key: string) => inRange(key, from, until);
  const found: CareTaskDocument[] = [];
  const keep = (tasks: CareTaskDocument[]) =>
    found.push(...tasks.filter((t) => isAfter(t, after) && isDueBy(t, dueBy)).sort(byDueThenId));
  const note = (key: string, n: number) => {
    if (!assignee) sizes.note(key, n); // an assignee's share is not the bucket's size
  };
  let reads = 1;
  let retired = 0;
  const read = (keys: string[]): Promise<CareTaskDocument[][]> => {
    reads += keys.length;
    return Promise.all(keys.map((key) => store.bucket(key, assignee)));
  };
  const retire = async (marker: BucketMarker): Promise<void> => {
    if (assignee || retired >= RETIRE_PER_PAGE) return;
    if (endOf(marker._id).getTime() > now.getTime() - RETIRE_AFTER_MS) return;
    await store.retire(marker);
    retired++;
  };

  /** A busy day from the cursor on; answers its tasks when it was read to its end. */
  const busyDay = async (day: string): Promise<number | null> => {
    const blocks = blocksOfDay(day).filter(within);
    let total: number | null = blocks.length === BLOCKS_PER_DAY ? 0 : null;
    let i = 0;
    while (i < blocks.length && found.length < need) {
      const block = blocks[i]!;
      if (sizes.isBusy(block)) {
        const slots = slotsOfBlock(block).filter(within);
        let inBlock = 0;
        let j = 0;
        while (j < slots.length && found.length < need) {
          const [rows] = await read([slots[j++]!]);
          keep(rows!);
          inBlock += rows!.length;
        }
        if (j === SLOTS_PER_BLOCK) note(block, inBlock);
        if (total !== null) total = j === SLOTS_PER_BLOCK ? total + inBlock : null;
        i++;
        continue;
      }
      // Quiet blocks in a row, together, while their last sizes add up to no more than the page
      // still needs (a block of unknown size goes alone).
      const batch = [block];
      let expected = sizes.of(block) ?? BUSY;
      for (let k = i + 1; k < blocks.length; k++) {
        const size = sizes.of(blocks[k]!);
        if (size === undefined || size > BUSY || expected + size > need - found.length) break;
        batch.push(blocks[k]!);
        expected += size;
      }
      const rows = await read(batch);
      batch.forEach((key, k) => note(key, rows[k]!.length));
      for (const r of rows) keep(r);
      if (total !== null) total += rows.reduce((n, r) => n + r.length, 0);
      i += batch.length;
    }
    return i === blocks.length ? total : null;
  };

  const months = (await store.children(list)).sort();
  for (const month of months) {
    if (!within(month)) {
      if (until && !inRange(month, undefined, until)) break;
      continue;
    }
    const days = (await store.children(month)).sort();
    reads++;
    if (days.length === 0) await retire({ _id: month, parent: list });
    for (const day of days) {
      if (!within(day)) {
        if (until && !inRange(day, undefined, until)) break;
        continue;
      }
      let live: number | null;
      if (!sizes.isBusy(day)) {
        const [tasks] = await read([day]);
        keep(tasks!);
        if (!assignee) sizes.noteDay(day, tasks!);
        live = tasks!.length;
      } else {
        live = await busyDay(day);
        if (live !== null) note(day, live);
      }
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
