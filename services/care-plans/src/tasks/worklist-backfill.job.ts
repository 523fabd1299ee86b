import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';
import { CareTasksRepository, hasItsWorklistKeys } from './care-tasks.repository';
import { markersOf, WorklistMarkers } from './worklist-markers.repository';

/** The pass's name: a later change of the keys would be a new pass. */
export const WORKLIST_KEYS_PASS = 'worklist-keys-v1';
/** Tasks read, fixed and marked at a time. */
const BATCH = 1_000;
/** A progress line at most this often. */
const PROGRESS_EVERY_MS = 10_000;

export interface BackfillResult {
  scanned: number;
  /** Tasks found without the keys they need (another replica may have fixed some first). */
  found: number;
  /** Tasks this scan changed. */
  rekeyed: number;
  /** Whether the scan went to the end (not stopped by a shutdown). */
  complete: boolean;
}

/**
 * Gives the tasks written before the worklist's keys existed (and any a replica of that code
 * wrote or closed during a rolling deploy) the keys their status and due time call for, so the
 * stores' worklists show them: a live task without keys gets them and its day and month
 * markers, a closed one still carrying keys loses them.
 *
 * Every replica runs it at start-up and every CARE_WORKLIST_BACKFILL_EVERY_MS until one scan
 * finds nothing to fix, which it records (one look at a record from then on): a scan that fixed
 * something is followed by another, which catches what older replicas still wrote meanwhile.
 * No owner is needed: each write is conditional on the task's status as read (a closure or
 * an escalation meanwhile wrote its own keys and wins), and markers are insert-once, so two
 * replicas scanning together, or a scan after a crash, only redo what is already so. It resumes
 * by itself: what a stopped scan fixed stays fixed, and the next finds only the rest.
 */
@Injectable()
export class WorklistBackfill extends PeriodicJob {
  constructor(
    config: CarePlansConfig,
    private readonly tasks: CareTasksRepository,
    private readonly markers: WorklistMarkers,
    protected readonly logger: PinoLogger,
  ) {
    super(config.CARE_WORKLIST_BACKFILL_EVERY_MS, 'worklist backfill');
    logger.setContext(WorklistBackfill.name);
  }

  protected async runRound(): Promise<void> {
    if (!(await this.markers.passDone(WORKLIST_KEYS_PASS))) await this.runOnce();
  }

  /** One scan of every task; records the pass when it went to the end and found nothing. */
  async runOnce(batchSize = BATCH): Promise<BackfillResult> {
    const started = Date.now();
    let lastLog = started;
    let scanned = 0;
    let found = 0;
    let rekeyed = 0;
    for await (const batch of this.tasks.worklistPlaces(batchSize)) {
      if (this.stopping) return { scanned, found, rekeyed, complete: false };
      scanned += batch.length;
      const wrong = batch.filter((task) => !hasItsWorklistKeys(task));
      found += wrong.length;
      if (wrong.length > 0) {
        // Markers before keys (a crash between leaves an empty day, which a page retires), and
        // again after: a page may have retired one meanwhile, finding the day still keyless.
        const markers = markersOf(wrong);
        await this.markers.insert(markers);
        rekeyed += await this.tasks.rekey(wrong);
        await this.markers.insert(markers);
      }
      if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
        lastLog = Date.now();
        this.logger.info({ scanned, found, rekeyed }, 'worklist backfill: scanning the tasks');
      }
    }
    const ms = Date.now() - started;
    // Done only when a whole scan found nothing: after one that found some (here or on another
    // replica at the same time), the next round looks again.
    if (found === 0) {
      await this.markers.recordPass(WORKLIST_KEYS_PASS);
      this.logger.info({ scanned, ms }, 'worklist backfill: every task has its keys; recorded');
    } else
      this.logger.info(
        { scanned, found, rekeyed, ms },
        'worklist backfill: tasks given their keys',
      );
    return { scanned, found, rekeyed, complete: true };
  }
}
