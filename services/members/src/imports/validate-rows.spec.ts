import { ImportMemberRow } from '@crm/contracts';
import { parseImport } from './parse-import';
import { validateRow, validateRows } from './validate-rows';

const minimal = { legacyId: 'HZ-1', name: '王芳', phone: '13800138000' };

describe('validateRow', () => {
  it('returns the normalised row', () => {
    const outcome = validateRow(1, {
      ...minimal,
      phone: '+86 138-0013-8000',
      gender: '男',
      marketingSms: '是',
    });
    expect(outcome).toEqual({ ok: true, value: expect.any(ImportMemberRow) });
    expect(outcome.ok && outcome.value).toMatchObject({
      phone: '13800138000',
      gender: 'male',
      marketingSms: true,
    });
  });

  it('reports one error per bad field, with the row number', () => {
    const outcome = validateRow(7, { ...minimal, phone: '12345', email: 'nope' });
    expect(outcome).toEqual({
      ok: false,
      errors: [
        {
          row: 7,
          field: 'phone',
          reason: 'phone must be a mainland mobile number (11 digits, 13–19…)',
        },
        { row: 7, field: 'email', reason: 'email must be an email' },
      ],
    });
  });

  it('says plainly that a required field is missing', () => {
    const outcome = validateRow(2, { legacyId: 'HZ-1' });
    expect(outcome.ok === false && outcome.errors).toEqual([
      { row: 2, field: 'name', reason: 'name is required' },
      { row: 2, field: 'phone', reason: 'phone is required' },
    ]);
  });

  it('reports unknown keys and rows that are not objects', () => {
    const unknownKey = validateRow(1, { ...minimal, vip: true });
    expect(unknownKey.ok === false && unknownKey.errors).toEqual([
      { row: 1, field: 'vip', reason: 'property vip should not exist' },
    ]);
    for (const record of [null, 5, ['a']]) {
      const outcome = validateRow(3, record);
      expect(outcome.ok === false && outcome.errors).toEqual([
        { row: 3, field: '(root)', reason: 'must be an object' },
      ]);
    }
  });

  it('rethrows what is not a validation failure', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new TypeError('boom');
        },
      },
    );
    expect(() => validateRow(1, hostile)).toThrow('boom');
  });
});

describe('validateRows', () => {
  it('splits a parsed CSV into valid rows and errors by data row (header not counted)', () => {
    const content = [
      'legacyId,name,phone,birthDate',
      'HZ-1,王芳,13800138000,1968-04-12',
      'HZ-2,,13900139000,',
      'HZ-3,张伟,+86 137-0013-7000,2999-01-01',
    ].join('\n');
    const result = validateRows(parseImport('csv', content));
    expect(result.valid.map(({ row, value }) => [row, value.phone])).toEqual([[1, '13800138000']]);
    expect(result.failedRows).toBe(2);
    expect(result.errors).toEqual([
      { row: 2, field: 'name', reason: 'name is required' },
      { row: 3, field: 'birthDate', reason: 'birthDate must be in the past and within 120 years' },
    ]);
  });
});
