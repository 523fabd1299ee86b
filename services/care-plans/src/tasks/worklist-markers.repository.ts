import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertManyOnce, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { CareTaskDocument } from './care-task.document';
import { type BucketMarker, endOf, isLive, listOf, markersFor } from './worklist-buckets';
import { RETIRE_AFTER_MS } from './worklist-walk';

const MARKERS = 'worklist_buckets';
const RETIREMENTS = 'worklist_retirements';
const PASSES = 'worklist_passes';

/**
 * How long this process takes a marker it inserted (or found there) to be there still, and so
 * does not insert it again: a run's tasks fall mostly on days it has met, and a batch with keys
 * already taken costs the local store one insert per document.
 */
export const KNOWN_FOR_MS = 10 * 60_000;
/**
 * A retired marker's bucket is looked at again this long after: longer than any process may
 * still take the marker to be there (KNOWN_FOR_MS), with room for clocks apart.
 */
export const RECHECK_AFTER_MS = 2 * KNOWN_FOR_MS + 5 * 60_000;
/** How far apart two processes' clocks may be. */
const CLOCK_SKEW_MS = 5 * 60_000;
const REMEMBERED = 100_000;

/** The tasks' fields a marker is made from. */
type Placed = Pick<CareTaskDocument, 'storeId' | 'status' | 'dueAt'>;

/** The day and month markers the live tasks among `tasks` need, each once. */
export function markersOf(tasks: readonly Placed[]): BucketMarker[] {
  const wanted = new Map<string, BucketMarker>();
  for (const task of tasks) {
    if (!isLive(task.status)) continue;
    for (const marker of markersFor(listOf(task.storeId, task.status), task.dueAt))
      wanted.set(marker._id, marker);
  }
  return [...wanted.values()];
}

/**
 * Whether a page may have retired this marker already (a page retires a day or month
 * RETIRE_AFTER_MS after its end; another process's clock may be ahead): what this process
 * remembers of it may be out of date.
 */
function mayBeRetired(markerId: string, now: number): boolean {
  return endOf(markerId).getTime() <= now - RETIRE_AFTER_MS + CLOCK_SKEW_MS;
}

/** A one-off pass over the tasks (the worklist backfill), recorded once it found nothing to do. */
interface PassDocument {
  _id: string;
  at: Date;
}

/** A marker taken out of its list, kept until its bucket is looked at again. */
export interface RetirementDocument extends BucketMarker {
  at: Date;
}

/**
 * The markers of the worklists (worklist-buckets.ts): which months of a list, and which days of
 * a month, hold live tasks. Inserted once by whoever inserts or escalates a task there (after
 * the task, so a bucket with a task has its marker), listed by parent.
 *
 * A marker whose bucket has no live task left is retired by the page that finds it so (a
 * retirement record first, then the delete). A task inserted there by a process that still took
 * the marker to be there would then be missed, so every retirement is looked at again after
 * RECHECK_AFTER_MS (WorklistRechecks): by then every process inserts the marker again itself,
 * and a task that came meanwhile gets its marker back.
 */
@Injectable()
export class WorklistMarkers implements OnModuleInit {
  readonly markers: mongo.Collection<BucketMarker>;
  readonly retirements: mongo.Collection<RetirementDocument>;
  readonly passes: mongo.Collection<PassDocument>;
  /** Marker id → until when this process takes it to be there. */
  private readonly known = new Map<string, number>();

  constructor(@InjectMongo() connection: Connection) {
    this.markers = connection.db!.collection<BucketMarker>(MARKERS);
    this.retirements = connection.db!.collection<RetirementDocument>(RETIREMENTS);
    this.passes = connection.db!.collection<PassDocument>(PASSES);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.markers as never, [{ key: { parent: 1 }, name: 'parent' }]);
  }

  /**
   * Inserts the markers the live tasks among `docs` need, unless inserted lately. A day or month
   * a page may have retired already (a task escalated a day late falls in one) gets its marker
   * whatever this process remembers: the task is then listed at once, not when WorklistRechecks
   * comes round.
   */
  async ensureFor(docs: readonly CareTaskDocument[], now = Date.now()): Promise<void> {
    const wanted = markersOf(docs).filter(
      (marker) => mayBeRetired(marker._id, now) || (this.known.get(marker._id) ?? 0) <= now,
    );
    if (wanted.length === 0) return;
    await this.insert(wanted);
    for (const marker of wanted) this.remember(marker._id, now);
  }

  /** Puts markers (back) in their lists; those there already stay as they are. */
  async insert(markers: BucketMarker[]): Promise<void> {
    if (markers.length === 0) return;
    await insertManyOnce(() =>
      dbSpan(MARKERS, 'insertMany', () => this.markers.insertMany(markers, { ordered: false })),
    );
  }

  /** The ids of the markers under `parent` (a list's months, a month's days), in no order. */
  async children(parent: string): Promise<string[]> {
    const found = await dbSpan(MARKERS, 'find', () =>
      this.markers.find({ parent }, { projection: { _id: 1 } }).toArray(),
    );
    return found.map((marker) => marker._id);
  }

  /**
   * Takes a marker out of its list: a record first (so a crash leaves it to be looked at again),
   * then the marker. Of two pages retiring the same marker, the one whose record went in does.
   */
  async retire(marker: BucketMarker, at = new Date()): Promise<boolean> {
    const claimed = await insertOnce(() =>
      dbSpan(RETIREMENTS, 'insert', () =>
        this.retirements.insertOne({ _id: marker._id, parent: marker.parent, at }),
      ),
    );
    if (!claimed) return false;
    await dbSpan(MARKERS, 'delete', () => this.markers.deleteOne({ _id: marker._id }));
    this.known.delete(marker._id);
    return true;
  }

  /** Retirements made before `before` (few: each lives RECHECK_AFTER_MS and a round). */
  retiredBefore(before: Date): Promise<RetirementDocument[]> {
    return dbSpan(RETIREMENTS, 'find', async () =>
      (await this.retirements.find({}).toArray()).filter((r) => r.at < before),
    );
  }

  async forget(retirement: RetirementDocument): Promise<void> {
    await dbSpan(RETIREMENTS, 'delete', () => this.retirements.deleteOne({ _id: retirement._id }));
  }

  async passDone(pass: string): Promise<boolean> {
    return !!(await dbSpan(PASSES, 'find', () => this.passes.findOne({ _id: pass })));
  }

  async recordPass(pass: string, at = new Date()): Promise<void> {
    await insertOnce(() =>
      dbSpan(PASSES, 'insert', () => this.passes.insertOne({ _id: pass, at })),
    );
  }

  private remember(id: string, now: number): void {
    this.known.delete(id); // re-inserted last: the oldest go first
    this.known.set(id, now + KNOWN_FOR_MS);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
  }
}
