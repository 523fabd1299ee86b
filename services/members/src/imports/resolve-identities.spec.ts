import { ImportMemberRow } from '@crm/contracts';
import { compareWithExisting, maskPhone, resolveIdentities } from './resolve-identities';
import type { ValidRow } from './validate-rows';

const WANG = '13800138000';
const LI = '13900139000';

function row(n: number, over: Partial<ImportMemberRow> = {}): ValidRow {
  const value = Object.assign(new ImportMemberRow(), {
    legacyId: `HZ-${n}`,
    name: '王芳',
    phone: WANG,
    ...over,
  });
  return { row: n, value };
}

describe('resolveIdentities', () => {
  it('keeps people with different phones apart', () => {
    const { people, conflicts } = resolveIdentities([row(1), row(2, { phone: LI, name: '李强' })]);
    expect(people.map(({ phone, rows }) => [phone, rows])).toEqual([
      [WANG, [1]],
      [LI, [2]],
    ]);
    expect(conflicts).toEqual([]);
  });

  it('folds rows with one phone that agree, where both give a value', () => {
    const { people, conflicts } = resolveIdentities([
      row(1, { birthDate: '1968-04-12' }),
      row(2, { phone: LI, name: '李强' }),
      row(3, { name: '王 芳', gender: 'female' }), // spacing is not identity
      row(4, { gender: 'unspecified', birthDate: '1968-04-12' }),
    ]);
    expect(conflicts).toEqual([]);
    expect(people[0]).toMatchObject({
      phone: WANG,
      rows: [1, 3, 4],
      legacyIds: ['HZ-1', 'HZ-3', 'HZ-4'],
    });
    expect(people[0].value).toMatchObject({
      name: '王芳',
      birthDate: '1968-04-12',
      gender: 'female',
    });
  });

  it('holds back rows with one phone that disagree, naming the fields', () => {
    const { people, conflicts } = resolveIdentities([
      row(1, { birthDate: '1968-04-12', gender: 'female' }),
      row(2, { name: '王军', gender: 'male' }),
      row(3, { phone: LI, name: '李强' }),
    ]);
    expect(people.map(({ rows }) => rows)).toEqual([[3]]);
    expect(conflicts).toEqual([{ phone: '138****8000', rows: [1, 2], fields: ['name', 'gender'] }]);
  });

  it('holds back the whole group when any two rows disagree', () => {
    const { people, conflicts } = resolveIdentities([
      row(1, { birthDate: '1968-04-12' }),
      row(2), // agrees with both others on its own
      row(3, { birthDate: '1970-01-01' }),
    ]);
    expect(people).toEqual([]);
    expect(conflicts).toEqual([{ phone: '138****8000', rows: [1, 2, 3], fields: ['birthDate'] }]);
  });

  it('lists rows in file order whatever order they come in', () => {
    const { people } = resolveIdentities([row(9), row(2, { phone: LI, name: '李强' }), row(4)]);
    expect(people.map(({ rows }) => rows)).toEqual([[2], [4, 9]]);
  });

  describe('the folded value', () => {
    it('takes each field from the first row that gives it', () => {
      const [person] = resolveIdentities([
        row(1, { email: 'first@example.com' }),
        row(2, { email: 'second@example.com', homeStoreId: 'S002', region: '浙江' }),
        row(3, { homeStoreId: 'S003', address: '文三路' }),
      ]).people;
      expect(person.value).toEqual(
        Object.assign(new ImportMemberRow(), {
          legacyId: 'HZ-1',
          name: '王芳',
          phone: WANG,
          email: 'first@example.com',
          homeStoreId: 'S002',
          region: '浙江',
          address: '文三路',
        }),
      );
    });

    it('keeps the earliest registration', () => {
      const [person] = resolveIdentities([
        row(1, { registeredAt: '2021-05-01' }),
        row(2, { registeredAt: '2019-03-02T10:00:00+08:00' }),
        row(3),
      ]).people;
      expect(person.value.registeredAt).toBe('2019-03-02T10:00:00+08:00');
    });

    it("takes the SMS consent of the latest registration, so a later 'no' withdraws", () => {
      const fold = (...rows: ValidRow[]) => resolveIdentities(rows).people[0].value.marketingSms;
      expect(
        fold(
          row(1, { registeredAt: '2023-01-01', marketingSms: false }),
          row(2, { registeredAt: '2019-01-01', marketingSms: true }),
        ),
      ).toBe(false);
      expect(
        fold(
          row(1, { registeredAt: '2019-01-01', marketingSms: false }),
          row(2, { registeredAt: '2023-01-01', marketingSms: true }),
        ),
      ).toBe(true);
      // Undated rows count as older; among equals the later row in the file wins.
      expect(
        fold(
          row(1, { marketingSms: false }),
          row(2, { registeredAt: '2019-01-01', marketingSms: true }),
        ),
      ).toBe(true);
      expect(fold(row(1, { marketingSms: true }), row(2, { marketingSms: false }))).toBe(false);
      expect(fold(row(1), row(2, { marketingSms: true }), row(3))).toBe(true);
      expect(fold(row(1), row(2))).toBeUndefined();
    });

    it('lists each archive id once', () => {
      const [person] = resolveIdentities([row(1), row(2, { legacyId: 'HZ-1' })]).people;
      expect(person.legacyIds).toEqual(['HZ-1']);
    });
  });
});

describe('compareWithExisting', () => {
  const [person] = resolveIdentities([
    row(1, { birthDate: '1968-04-12', gender: 'female' }),
  ]).people;

  it('sees the same person where the member on file agrees or says nothing', () => {
    expect(
      compareWithExisting(person, { name: ' 王 芳', birthDate: '1968-04-12', gender: 'female' }),
    ).toEqual({ sameIdentity: true, differingFields: [] });
    expect(compareWithExisting(person, { name: '王芳', birthDate: null, gender: null })).toEqual({
      sameIdentity: true,
      differingFields: [],
    });
    expect(
      compareWithExisting(person, {
        name: '王芳',
        birthDate: '1968-04-12T00:00:00.000Z',
        gender: 'unspecified',
      }),
    ).toEqual({ sameIdentity: true, differingFields: [] });
  });

  it('names the fields that differ', () => {
    expect(
      compareWithExisting(person, { name: '王军', birthDate: '1970-01-01', gender: 'male' }),
    ).toEqual({ sameIdentity: false, differingFields: ['name', 'birthDate', 'gender'] });
  });

  it('ignores what the file does not say', () => {
    const [bare] = resolveIdentities([row(1)]).people;
    expect(
      compareWithExisting(bare, { name: '王芳', birthDate: '1970-01-01', gender: 'male' }),
    ).toEqual({ sameIdentity: true, differingFields: [] });
  });
});

describe('maskPhone', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['1234567', '*******'],
  ])('%s → %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));
});
