import { MAX_LISTED_IMPORT_ISSUES, type ImportConflict, type ImportRowError } from '@crm/contracts';
import type {
  ImportCounters,
  ImportJobDocument,
  ImportProgressSnapshot,
} from './import-job.document';
import type { ImportRowConflict } from './resolve-identities';

/** What became of one person of the file (all of their rows). */
export type PersonOutcome =
  | { kind: 'created'; rows: number }
  | { kind: 'merged'; rows: number }
  | { kind: 'conflict'; conflict: ImportConflict }
  | { kind: 'failed'; errors: ImportRowError[]; rows: number };

/**
 * The counters and issue lists of a run, in rows: created + merged + failed + conflicts =
 * processed. A person created from several rows counts one created and the rest merged
 * (folded into the first). Lists keep the first MAX_LISTED_IMPORT_ISSUES; counts stay exact.
 */
export class ImportProgress {
  private issuesChanged = true;

  private constructor(
    private readonly counters: ImportCounters,
    private readonly errors: ImportRowError[],
    private readonly conflictList: ImportConflict[],
    private peopleDone: number,
  ) {}

  /**
   * A first run: rejected rows and the file's own conflicts are final as soon as the rows are
   * validated and resolved, before any person is applied.
   */
  static start(
    validated: { errors: readonly ImportRowError[]; failedRows: number },
    fileConflicts: readonly ImportRowConflict[],
  ): ImportProgress {
    const conflictRows = fileConflicts.reduce((sum, conflict) => sum + conflict.rows.length, 0);
    return new ImportProgress(
      {
        processed: validated.failedRows + conflictRows,
        created: 0,
        merged: 0,
        failed: validated.failedRows,
        conflicts: conflictRows,
      },
      validated.errors.slice(0, MAX_LISTED_IMPORT_ISSUES),
      fileConflicts.slice(0, MAX_LISTED_IMPORT_ISSUES).map((conflict) => ({ ...conflict })),
      0,
    );
  }

  /** A resumed run continues from the job's last checkpoint. */
  static resume(job: ImportJobDocument): ImportProgress {
    const { processed, created, merged, failed, conflicts } = job;
    const progress = new ImportProgress(
      { processed, created, merged, failed, conflicts },
      [...job.errors],
      [...job.conflictList],
      job.checkpoint?.peopleDone ?? 0,
    );
    progress.issuesChanged = false;
    return progress;
  }

  /** People already applied, in the order resolveIdentities gives them. */
  get done(): number {
    return this.peopleDone;
  }

  /** Counts the outcomes of the next people, in order. */
  record(outcomes: readonly PersonOutcome[]): void {
    for (const outcome of outcomes) this.count(outcome);
    this.peopleDone += outcomes.length;
  }

  /** What to save; the issue lists only when they changed since the last snapshot. */
  snapshot(): ImportProgressSnapshot {
    const snapshot: ImportProgressSnapshot = {
      ...this.counters,
      checkpoint: { peopleDone: this.peopleDone },
      ...(this.issuesChanged
        ? { errors: [...this.errors], conflictList: [...this.conflictList] }
        : {}),
    };
    this.issuesChanged = false;
    return snapshot;
  }

  private count(outcome: PersonOutcome): void {
    const c = this.counters;
    switch (outcome.kind) {
      case 'created':
        c.created += 1;
        c.merged += outcome.rows - 1;
        c.processed += outcome.rows;
        return;
      case 'merged':
        c.merged += outcome.rows;
        c.processed += outcome.rows;
        return;
      case 'conflict':
        c.conflicts += outcome.conflict.rows.length;
        c.processed += outcome.conflict.rows.length;
        this.issuesChanged ||= listFirst(this.conflictList, [outcome.conflict]);
        return;
      case 'failed':
        c.failed += outcome.rows;
        c.processed += outcome.rows;
        this.issuesChanged ||= listFirst(this.errors, outcome.errors);
        return;
    }
  }
}

/** Appends while under the cap; true if anything was added. */
function listFirst<T>(list: T[], items: readonly T[]): boolean {
  const room = MAX_LISTED_IMPORT_ISSUES - list.length;
  if (room <= 0 || items.length === 0) return false;
  list.push(...items.slice(0, room));
  return true;
}
