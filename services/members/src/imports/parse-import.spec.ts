import { AppError, ErrorCode } from '@crm/contracts';
import { countCsvDataRows, parseImport } from './parse-import';

/** The message of the file-level error parseImport throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((error as AppError).details).toEqual([
      { field: 'content', reasons: [(error as AppError).message] },
    ]);
    return (error as AppError).message;
  }
  throw new Error('expected the file to be refused');
}

const csvLines = (...lines: string[]) => lines.join('\n');

describe('parseImport: CSV', () => {
  it('reads rows under a header, numbering data rows from 1', () => {
    const content = csvLines(
      'legacyId,name,phone,marketingSms',
      'HZ-1,王芳,13800138000,是',
      'HZ-2,李强,13900139000,0',
    );
    expect(parseImport('csv', content)).toEqual([
      {
        row: 1,
        record: { legacyId: 'HZ-1', name: '王芳', phone: '13800138000', marketingSms: '是' },
      },
      {
        row: 2,
        record: { legacyId: 'HZ-2', name: '李强', phone: '13900139000', marketingSms: '0' },
      },
    ]);
  });

  it('drops a byte-order mark, CRLF line ends, blank lines and blank cells', () => {
    const content = '\uFEFFlegacyId,name,phone,email\r\n\r\nHZ-1, 王芳 ,13800138000,\r\n   \r\n';
    expect(parseImport('csv', content)).toEqual([
      { row: 1, record: { legacyId: 'HZ-1', name: '王芳', phone: '13800138000' } },
    ]);
  });

  it('keeps commas, quotes and line breaks inside quoted cells', () => {
    const content = csvLines(
      'legacyId,name,phone,address',
      'HZ-1,王芳,13800138000,"文三路 90 号, 2 单元"',
      'HZ-2,"O""Brien",13900139000,"line one',
      'line two"',
    );
    expect(parseImport('csv', content).map(({ record }) => record)).toEqual([
      expect.objectContaining({ address: '文三路 90 号, 2 单元' }),
      expect.objectContaining({ name: 'O"Brien', address: 'line one\nline two' }),
    ]);
  });

  it('maps the Chinese headers of a regional archive to field names', () => {
    const content = csvLines(
      '会员编号,姓名,手机,性别,出生日期,邮箱,门店,区域,区县,地址,入会日期,短信营销',
      'HZ-1,王芳,138 0013 8000,女,1968-04-12,w@example.com,S001,浙江,西湖区,文三路,2019-03-02,否',
    );
    expect(parseImport('csv', content)[0].record).toEqual({
      legacyId: 'HZ-1',
      name: '王芳',
      phone: '138 0013 8000',
      gender: '女',
      birthDate: '1968-04-12',
      email: 'w@example.com',
      homeStoreId: 'S001',
      region: '浙江',
      district: '西湖区',
      address: '文三路',
      registeredAt: '2019-03-02',
      marketingSms: '否',
    });
  });

  it('names unknown columns, and the columns it would take instead', () => {
    const message = refusal(() =>
      parseImport('csv', csvLines('legacyId,name,phone,vip,积分', 'HZ-1,王芳,13800138000,1,20')),
    );
    expect(message).toMatch(/^Unknown CSV columns: vip, 积分\. Allowed: legacyId, name, phone/);
    expect(message).toContain('姓名');
  });

  it('names missing required columns', () => {
    expect(refusal(() => parseImport('csv', csvLines('姓名,email', '王芳,w@example.com')))).toBe(
      'Missing CSV columns: legacyId, phone',
    );
  });

  it('refuses a column given twice, in either language', () => {
    expect(refusal(() => parseImport('csv', 'legacyId,name,phone,手机\n'))).toBe(
      'CSV columns given twice: phone',
    );
  });

  it('refuses a malformed file with the line to look at', () => {
    const content = csvLines('legacyId,name,phone', 'HZ-1,王芳,13800138000', 'HZ-2,李强');
    expect(refusal(() => parseImport('csv', content))).toMatch(
      /^The CSV file cannot be read at line 3: /,
    );
    expect(refusal(() => parseImport('csv', 'legacyId,name,phone\nHZ-1,"王芳,1\n'))).toMatch(
      /at line 2.*Quote Not Closed/,
    );
  });

  it('refuses an empty file and a header without rows', () => {
    expect(refusal(() => parseImport('csv', ''))).toBe(
      'The CSV file is empty: it needs a header line',
    );
    expect(refusal(() => parseImport('csv', 'legacyId,name,phone\n'))).toBe(
      'The file has no member rows',
    );
  });

  it('refuses a file saved as GBK and read as UTF-8', () => {
    expect(refusal(() => parseImport('csv', 'legacyId,name,phone\nHZ-1,\uFFFD\uFFFD,1\n'))).toMatch(
      /not valid UTF-8 \(first bad character on line 2\)/,
    );
  });

  it('refuses 100,001 rows by counting, before parsing a single row', () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `HZ-${i},王芳,13800138000`);
    // A malformed last line: had the file been parsed, this would be the error.
    rows[rows.length - 1] = 'HZ-last,"unclosed';
    const content = ['legacyId,name,phone', ...rows].join('\n');
    expect(refusal(() => parseImport('csv', content))).toBe(
      'The file has 100001 rows; at most 100000 per import — split the file',
    );
  });

  it('takes exactly the maximum', () => {
    const content = csvLines('legacyId,name,phone', 'HZ-1,a,1', 'HZ-2,b,2');
    expect(parseImport('csv', content, { maxRows: 2 })).toHaveLength(2);
    expect(refusal(() => parseImport('csv', content, { maxRows: 1 }))).toBe(
      'The file has 2 rows; at most 1 per import — split the file',
    );
  });
});

describe('countCsvDataRows', () => {
  it.each([
    ['', 0],
    ['a,b', 0],
    ['a,b\n1,2', 1],
    ['a,b\r\n1,2\r\n', 1],
    ['a,b\n\n  \n1,2\n\n3,4\n', 2],
    ['a,b\n"1\n\n2",3\n4,5', 2],
    ['a,b\n"say ""hi""\n",3\n4,5', 2],
    ['\uFEFFa,b\n,\n', 1],
  ])('%j → %d', (content, expected) => expect(countCsvDataRows(content)).toBe(expected));
});

describe('parseImport: JSON', () => {
  it('reads an array of objects, trimming text and dropping blanks and nulls', () => {
    const content = JSON.stringify([
      { legacyId: 10023, name: ' 王芳 ', phone: '13800138000', email: '', gender: null },
      { legacyId: 'HZ-2', name: '李强', phone: 13900139000, marketingSms: true },
    ]);
    expect(parseImport('json', `\uFEFF${content}`)).toEqual([
      { row: 1, record: { legacyId: 10023, name: '王芳', phone: '13800138000' } },
      {
        row: 2,
        record: { legacyId: 'HZ-2', name: '李强', phone: 13900139000, marketingSms: true },
      },
    ]);
  });

  it('leaves rows that are not objects for row validation to report', () => {
    expect(parseImport('json', '[null, 5, ["a"]]').map(({ record }) => record)).toEqual([
      null,
      5,
      ['a'],
    ]);
  });

  it('refuses a file that is not an array of rows', () => {
    expect(refusal(() => parseImport('json', '{"legacyId":"HZ-1"}'))).toMatch(/must be an array/);
    expect(refusal(() => parseImport('json', '[{"legacyId":'))).toMatch(
      /^The JSON file cannot be read: /,
    );
    expect(refusal(() => parseImport('json', '[]'))).toBe('The file has no member rows');
  });

  it('refuses too many rows', () => {
    expect(refusal(() => parseImport('json', '[{}, {}, {}]', { maxRows: 2 }))).toBe(
      'The file has 3 rows; at most 2 per import — split the file',
    );
  });
});
