import { AppError } from '../errors';
import { validatePayload } from '../validation';
import {
  AppendImportPartRequest,
  CommitImportRequest,
  CreateImportRequest,
  GetImportRequest,
  MAX_IMPORT_PART_BYTES,
} from './import-job.dto';

function rejectedFields(cls: new () => object, plain: unknown): string[] {
  try {
    validatePayload(cls, plain);
  } catch (error) {
    return (error as AppError).details.map((d) => (d as { field: string }).field).sort();
  }
  throw new Error('expected a validation error');
}

const JOB = '6740a1f2c3b4d5e6f7a8b9c0';

describe('import job requests', () => {
  it('opens a job with the format and sending store, never the file itself', () => {
    expect(validatePayload(CreateImportRequest, { format: 'json', sourceStoreId: 'S001' })).toEqual(
      { format: 'json', sourceStoreId: 'S001' },
    );
    expect(rejectedFields(CreateImportRequest, { format: 'xlsx', content: 'x' })).toEqual([
      'content',
      'format',
      'sourceStoreId',
    ]);
  });

  it('takes parts by job id and position, each at most one NATS-sized part', () => {
    expect(validatePayload(AppendImportPartRequest, { jobId: JOB, seq: 0, data: 'a,b' })).toEqual({
      jobId: JOB,
      seq: 0,
      data: 'a,b',
    });
    expect(
      rejectedFields(AppendImportPartRequest, {
        jobId: 'nope',
        seq: -1,
        data: 'x'.repeat(MAX_IMPORT_PART_BYTES + 1),
      }),
    ).toEqual(['data', 'jobId', 'seq']);
  });

  it('commits a positive number of parts, and reads jobs by id', () => {
    expect(rejectedFields(CommitImportRequest, { jobId: JOB, parts: 0 })).toEqual(['parts']);
    expect(rejectedFields(GetImportRequest, { id: { $ne: '' } })).toEqual(['id']);
  });
});
