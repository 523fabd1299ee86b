import { AppError } from '../errors';
import { validatePayload } from '../validation';
import {
  IMPORT_MEMBER_FIELDS,
  ImportMemberRow,
  isNotInFuture,
  normalizeLegacyGender,
  normalizeMainlandPhone,
  parseLegacyBoolean,
  StartImportRequest,
} from './import-member-row.dto';

function rejectedFields(cls: new () => object, plain: unknown): string[] {
  try {
    validatePayload(cls, plain);
  } catch (error) {
    return (error as AppError).details.map((d) => (d as { field: string }).field).sort();
  }
  throw new Error('expected a validation error');
}

const minimal = { legacyId: 'HZ-1', name: '王芳', phone: '13800138000' };

describe('normalizeMainlandPhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['86 13800138000', '13800138000'],
    ['0086 138 0013 8000', '13800138000'],
    ['(+86) 138.0013.8000', '13800138000'],
    ['１３８００１３８０００', '13800138000'], // full-width digits from a Chinese IME
    ['+86 23800138000', '23800138000'], // stripped, then left for validation to reject
    ['8613800138', '8613800138'], // too short to carry a country code: left as it is
  ])('%s → %s', (raw, expected) => expect(normalizeMainlandPhone(raw)).toBe(expected));
});

describe('legacy values', () => {
  it.each([
    ['男', 'male'],
    ['女', 'female'],
    ['M', 'male'],
    ['f', 'female'],
    ['Female', 'female'],
    ['unspecified', 'unspecified'],
    ['robot', 'robot'],
    ['constructor', 'constructor'],
  ])('gender %s → %s', (raw, expected) => expect(normalizeLegacyGender(raw)).toBe(expected));

  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['是', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['否', false],
    ['maybe', 'maybe'],
    [true, true],
  ])('marketingSms %s → %s', (raw, expected) => expect(parseLegacyBoolean(raw)).toBe(expected));
});

describe('isNotInFuture', () => {
  // 01:00 on 22 November in Beijing is still 21 November in UTC.
  const now = new Date('2026-11-21T17:00:00Z');
  it.each([
    ['2026-11-22', true],
    ['2026-11-23', false],
    ['2019-03-02T10:00:00+08:00', true],
    ['2026-11-21T17:00:01Z', false],
    ['not a date', false],
  ])('%s → %s', (value, expected) => expect(isNotInFuture(value, now)).toBe(expected));
});

describe('ImportMemberRow', () => {
  it('accepts every listed field and normalises legacy values', () => {
    const row = validatePayload(ImportMemberRow, {
      legacyId: 10023,
      name: '王芳',
      phone: '+86 138-0013-8000',
      gender: '女',
      birthDate: '1968-04-12',
      email: 'wang.fang@example.com',
      homeStoreId: 'S001',
      region: '浙江',
      district: '西湖区',
      address: '文三路 90 号',
      registeredAt: '2019-03-02T10:00:00+08:00',
      marketingSms: '否',
    });
    expect(row).toMatchObject({
      legacyId: '10023',
      phone: '13800138000',
      gender: 'female',
      marketingSms: false,
    });
    expect(Object.keys(row).sort()).toEqual([...IMPORT_MEMBER_FIELDS].sort());
  });

  it('needs only the archive id, name and phone', () => {
    expect(validatePayload(ImportMemberRow, minimal)).toBeInstanceOf(ImportMemberRow);
    expect(rejectedFields(ImportMemberRow, {})).toEqual(['legacyId', 'name', 'phone']);
  });

  it('names every bad field', () => {
    expect(
      rejectedFields(ImportMemberRow, {
        ...minimal,
        legacyId: 'x'.repeat(65),
        name: 'x'.repeat(61),
        phone: '+86 238-0013-8000',
        gender: 'robot',
        birthDate: '1968/04/12',
        email: 'nope',
        homeStoreId: 's001',
        region: 'x'.repeat(41),
        district: 'x'.repeat(41),
        address: 'x'.repeat(201),
        registeredAt: '2999-01-01',
        marketingSms: 'maybe',
      }),
    ).toEqual([...IMPORT_MEMBER_FIELDS].sort());
  });

  it('takes birth dates as calendar days within the plausible range', () => {
    expect(rejectedFields(ImportMemberRow, { ...minimal, birthDate: '1968-02-30' })).toEqual([
      'birthDate',
    ]);
    expect(rejectedFields(ImportMemberRow, { ...minimal, birthDate: '1890-01-01' })).toEqual([
      'birthDate',
    ]);
    expect(
      rejectedFields(ImportMemberRow, { ...minimal, birthDate: '1968-04-12T00:00:00Z' }),
    ).toEqual(['birthDate']);
  });

  it('takes a registration date or date-time, not a bare year or month', () => {
    for (const registeredAt of ['2019-03-02', '2019-03-02T10:00:00Z']) {
      expect(() => validatePayload(ImportMemberRow, { ...minimal, registeredAt })).not.toThrow();
    }
    for (const registeredAt of ['2019', '2019-03', '2019-W10']) {
      expect(rejectedFields(ImportMemberRow, { ...minimal, registeredAt })).toEqual([
        'registeredAt',
      ]);
    }
  });

  it('refuses health fields and operators', () => {
    expect(rejectedFields(ImportMemberRow, { ...minimal, health: { allergies: ['x'] } })).toEqual([
      'health',
    ]);
    expect(rejectedFields(ImportMemberRow, { ...minimal, phone: { $ne: '' } })).toEqual(['phone']);
  });
});

describe('StartImportRequest', () => {
  it('takes a format, the sending store and the file', () => {
    expect(
      validatePayload(StartImportRequest, {
        format: 'csv',
        sourceStoreId: 'S001',
        content: 'legacyId,name,phone\n',
      }),
    ).toBeInstanceOf(StartImportRequest);
    expect(
      rejectedFields(StartImportRequest, { format: 'xlsx', sourceStoreId: 'east', content: '' }),
    ).toEqual(['content', 'format', 'sourceStoreId']);
  });

  it('refuses a file over 30 MB', () => {
    const content = 'x'.repeat(30 * 1024 * 1024 + 1);
    expect(
      rejectedFields(StartImportRequest, { format: 'csv', sourceStoreId: 'S1', content }),
    ).toEqual(['content']);
  });
});
