import { MAX_LISTED_IMPORT_ISSUES, type ImportRowError } from '@crm/contracts';
import type { ImportJobDocument } from './import-job.document';
import { ImportProgress, type PersonOutcome } from './import-progress';

const rowError = (row: number): ImportRowError => ({ row, field: 'phone', reason: 'bad' });
const conflict = (rows: number[]) => ({ phone: '138****8000', rows, fields: ['name'] });

describe('ImportProgress', () => {
  it('starts from the rejected rows and the file’s own conflicts, counted in rows', () => {
    const progress = ImportProgress.start(
      { errors: [rowError(2), rowError(2), rowError(5)], failedRows: 2 },
      [conflict([3, 9, 11])],
    );
    expect(progress.snapshot()).toMatchObject({
      processed: 5,
      failed: 2,
      conflicts: 3,
      created: 0,
      merged: 0,
      checkpoint: { peopleDone: 0 },
      errors: [rowError(2), rowError(2), rowError(5)],
      conflictList: [conflict([3, 9, 11])],
    });
  });

  it('counts a person created from several rows as one created and the rest merged', () => {
    const progress = ImportProgress.start({ errors: [], failedRows: 0 }, []);
    const outcomes: PersonOutcome[] = [
      { kind: 'created', rows: 3 },
      { kind: 'created', rows: 1 },
      { kind: 'merged', rows: 2 },
      { kind: 'conflict', conflict: { ...conflict([7]), existingMemberId: 'm1' } },
      { kind: 'failed', rows: 1, errors: [rowError(8)] },
    ];
    progress.record(outcomes);
    const snapshot = progress.snapshot();
    expect(snapshot).toMatchObject({
      created: 2,
      merged: 4,
      conflicts: 1,
      failed: 1,
      processed: 8,
      checkpoint: { peopleDone: 5 },
    });
    expect(snapshot.processed).toBe(
      snapshot.created + snapshot.merged + snapshot.failed + snapshot.conflicts,
    );
  });

  it('lists the first issues only, keeps exact counts, and leaves unchanged lists out', () => {
    const errors = [...Array(MAX_LISTED_IMPORT_ISSUES + 5).keys()].map(rowError);
    const progress = ImportProgress.start({ errors, failedRows: errors.length }, []);
    expect(progress.snapshot().errors).toHaveLength(MAX_LISTED_IMPORT_ISSUES);
    progress.record([{ kind: 'failed', rows: 1, errors: [rowError(99_999)] }]);
    const snapshot = progress.snapshot();
    expect(snapshot.failed).toBe(MAX_LISTED_IMPORT_ISSUES + 6);
    expect(snapshot.errors).toBeUndefined(); // the list was full: nothing changed
  });

  it('resumes from a job’s checkpoint', () => {
    const job = {
      processed: 10,
      created: 4,
      merged: 3,
      failed: 2,
      conflicts: 1,
      errors: [rowError(1)],
      conflictList: [conflict([2])],
      checkpoint: { peopleDone: 6 },
    } as ImportJobDocument;
    const progress = ImportProgress.resume(job);
    expect(progress.done).toBe(6);
    progress.record([{ kind: 'created', rows: 1 }]);
    expect(progress.snapshot()).toEqual({
      processed: 11,
      created: 5,
      merged: 3,
      failed: 2,
      conflicts: 1,
      checkpoint: { peopleDone: 7 },
    });
  });
});
