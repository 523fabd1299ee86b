import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@crm/contracts';
import { forEachConcurrently } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { ApplyImportedPerson } from './apply-imported-person';
import type { ImportJobDocument } from './import-job.document';
import { ImportJobRepository } from './import-job.repository';
import { ImportPartRepository } from './import-parts.repository';
import { ImportProgress, type PersonOutcome } from './import-progress';
import { parseImportYielding, type ImportRecord } from './parse-import';
import { resolveIdentities, type ImportedPerson } from './resolve-identities';
import { validateRows, type ValidatedRows } from './validate-rows';

/** Rows validated between two yields: ~70 ms of work at ~140 µs a row. */
const VALIDATION_CHUNK_ROWS = 500;
/** Progress is saved after about this many rows, and on resume at most these are redone. */
const CHECKPOINT_ROWS = 1_000;
/** People applied at once: overlaps the store's round trips without swamping it. */
const PEOPLE_IN_FLIGHT = 8;

/** How a run ended: `stopped` on request (shutdown), `lost` when another process took over. */
export type RunEnd = 'completed' | 'failed' | 'stopped' | 'lost';

export interface RunLease {
  owner: string;
  /** Checked between checkpoints: the process is shutting down or lost the job. */
  shouldStop(): boolean;
}

/**
 * Runs one claimed import job: joins its parts, parses and validates the rows (both yielding
 * to the event loop, so the service keeps answering), resolves identities, then applies people
 * in file order with a checkpoint every ~1,000 rows. Every step is deterministic for the same
 * file, so a run resumed from a checkpoint picks up exactly where the last one saved.
 */
@Injectable()
export class RunImportJob {
  private readonly logger = new Logger(RunImportJob.name);

  constructor(
    private readonly jobs: ImportJobRepository,
    private readonly parts: ImportPartRepository,
    private readonly applyPerson: ApplyImportedPerson,
  ) {}

  execute(job: ImportJobDocument, lease: RunLease): Promise<RunEnd> {
    return inSpan('members.imports.run', async () => {
      const records = await this.readRecords(job, lease);
      if (!Array.isArray(records)) return records;
      if (job.total === null && !(await this.jobs.setTotal(job._id, lease.owner, records.length)))
        return 'lost';

      const validated = await validateInChunks(records, lease.shouldStop);
      if (!validated) return 'stopped';
      const { people, conflicts } = resolveIdentities(validated.valid);
      const progress = job.checkpoint
        ? ImportProgress.resume(job)
        : ImportProgress.start(validated, conflicts);
      if (!(await this.save(job, lease, progress))) return 'lost';

      for (const batch of batchesFrom(people, progress.done)) {
        if (lease.shouldStop()) return 'stopped';
        progress.record(await this.applyAll(batch, job));
        if (!(await this.save(job, lease, progress))) return 'lost';
      }
      if (!(await this.jobs.complete(job._id, lease.owner, progress.snapshot()))) return 'lost';
      await this.parts.deleteFor(job._id);
      this.logger.log({ jobId: job._id, rows: records.length }, 'import completed');
      return 'completed';
    });
  }

  /** The file's rows, or how the run ended when the file cannot be imported at all. */
  private async readRecords(
    job: ImportJobDocument,
    lease: RunLease,
  ): Promise<ImportRecord[] | RunEnd> {
    const content = await this.parts.join(job._id, job.parts ?? 0);
    try {
      if (content === null) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          'Parts of the file are missing; start the import again',
        );
      }
      return await parseImportYielding(job.format, content);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.VALIDATION_FAILED) throw error;
      if (!(await this.jobs.fail(job._id, lease.owner, error.message))) return 'lost';
      await this.parts.deleteFor(job._id);
      this.logger.warn({ jobId: job._id, reason: error.message }, 'import failed');
      return 'failed';
    }
  }

  private async applyAll(
    batch: readonly ImportedPerson[],
    job: ImportJobDocument,
  ): Promise<PersonOutcome[]> {
    const outcomes: PersonOutcome[] = new Array(batch.length);
    await forEachConcurrently([...batch.keys()], PEOPLE_IN_FLIGHT, async (i) => {
      outcomes[i] = await this.applyPerson.execute(batch[i]!, job);
    });
    return outcomes;
  }

  private save(job: ImportJobDocument, lease: RunLease, progress: ImportProgress) {
    return this.jobs.saveProgress(job._id, lease.owner, progress.snapshot());
  }
}

/**
 * Validates in chunks, yielding between them: 100,000 rows are ~14 s of synchronous work.
 * Null when `shouldStop` says so (a shutdown should not wait for the whole file).
 */
export async function validateInChunks(
  records: readonly ImportRecord[],
  shouldStop: () => boolean = () => false,
  chunkRows = VALIDATION_CHUNK_ROWS,
): Promise<ValidatedRows | null> {
  const all: ValidatedRows = { valid: [], errors: [], failedRows: 0 };
  for (let start = 0; start < records.length; start += chunkRows) {
    if (shouldStop()) return null;
    const chunk = validateRows(records.slice(start, start + chunkRows));
    for (const row of chunk.valid) all.valid.push(row);
    for (const error of chunk.errors) all.errors.push(error);
    all.failedRows += chunk.failedRows;
    await yieldToEventLoop();
  }
  return all;
}

/** The people still to apply, in batches of about CHECKPOINT_ROWS rows. */
export function* batchesFrom(
  people: readonly ImportedPerson[],
  done: number,
  rowsPerBatch = CHECKPOINT_ROWS,
): Generator<ImportedPerson[]> {
  let batch: ImportedPerson[] = [];
  let rows = 0;
  for (const person of people.slice(done)) {
    batch.push(person);
    rows += person.rows.length;
    if (rows >= rowsPerBatch) {
      yield batch;
      batch = [];
      rows = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
