import type { ImportJobDocument } from './import-job.document';
import { toImportJobView } from './import-job.mapper';

const job = (over: Partial<ImportJobDocument>): ImportJobDocument => ({
  _id: '6740a1f2c3b4d5e6f7a8b9c0',
  status: 'completed',
  format: 'json',
  sourceStoreId: 'S001',
  requestedBy: null,
  createdAt: new Date('2026-11-22T00:00:00Z'),
  updatedAt: new Date('2026-11-22T00:00:00Z'),
  finishedAt: null,
  parts: 1,
  total: 1_000,
  processed: 1_000,
  created: 0,
  merged: 0,
  failed: 1_000,
  conflicts: 0,
  errors: [],
  conflictList: [],
  checkpoint: null,
  owner: null,
  attempts: 1,
  reason: null,
  ...over,
});

describe('toImportJobView', () => {
  it('shows a page of the errors, each cut to its bounds, so any status fits one NATS reply', () => {
    const key = 'k'.repeat(5_000);
    const errors = [...Array(1_000).keys()].map((n) => ({
      row: n + 1,
      field: key,
      reason: `property ${key} should not exist`,
    }));
    const first = toImportJobView(job({ errors }));
    expect(first.errors).toHaveLength(100);
    expect(first.errorsPage).toEqual({ offset: 0, limit: 100, listed: 1_000 });
    expect(first.errors[0]!.field).toHaveLength(64);
    expect(first.errors[0]!.reason).toHaveLength(200);

    const last = toImportJobView(job({ errors }), { errorsOffset: 950, errorsLimit: 200 });
    expect(last.errors.map((e) => e.row)).toEqual([...Array(50).keys()].map((n) => 951 + n));
    // The largest page there is stays far below NATS's 1 MB.
    const largest = toImportJobView(
      job({ errors: errors.map((e) => ({ ...e, field: '\u0001'.repeat(5_000) })) }),
      {
        errorsLimit: 200,
      },
    );
    expect(Buffer.byteLength(JSON.stringify(largest))).toBeLessThan(400_000);
  });

  it('lists a conflict’s first 50 rows and counts them all', () => {
    const rows = [...Array(10_000).keys()];
    const view = toImportJobView(
      job({ conflictList: [{ phone: '138****8000', rows, fields: ['name'] }] }),
    );
    expect(view.conflictList[0]).toEqual({
      phone: '138****8000',
      rows: rows.slice(0, 50),
      rowCount: 10_000,
      fields: ['name'],
    });
  });
});
