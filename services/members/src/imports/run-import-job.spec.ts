import { ImportMemberRow } from '@crm/contracts';
import type { ImportedPerson } from './resolve-identities';
import { batchesFrom, validateInChunks } from './run-import-job';

const person = (phone: string, rows: number[]): ImportedPerson => ({
  phone,
  rows,
  legacyIds: rows.map(String),
  value: new ImportMemberRow(),
});

describe('batchesFrom', () => {
  it('cuts the people still to do into batches of about the given rows', () => {
    const people = [
      person('a', [1]),
      person('b', [2, 3]),
      person('c', [4]),
      person('d', [5]),
      person('e', [6]),
    ];
    const batches = [...batchesFrom(people, 1, 3)].map((batch) => batch.map((p) => p.phone));
    expect(batches).toEqual([
      ['b', 'c'],
      ['d', 'e'],
    ]);
    expect([...batchesFrom(people, 5, 3)]).toEqual([]);
  });
});

describe('validateInChunks', () => {
  const records = [
    { row: 1, record: { legacyId: '1', name: '王芳', phone: '13800138000' } },
    { row: 2, record: { legacyId: '2', name: '李强', phone: '123' } },
    { row: 3, record: { legacyId: '3', name: '张伟', phone: '13900139000' } },
  ];

  it('validates every row, chunk by chunk, in row order', async () => {
    const validated = await validateInChunks(records, () => false, 2);
    expect(validated!.valid.map((v) => v.row)).toEqual([1, 3]);
    expect(validated!.errors).toEqual([{ row: 2, field: 'phone', reason: expect.any(String) }]);
    expect(validated!.failedRows).toBe(1);
  });

  it('gives up between chunks when asked to stop', async () => {
    let chunks = 0;
    expect(await validateInChunks(records, () => chunks++ > 0, 2)).toBeNull();
  });
});
