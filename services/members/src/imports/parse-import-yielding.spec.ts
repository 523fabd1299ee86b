import { parseImport, parseImportYielding } from './parse-import';

/** What parseImport gives, or the message it refuses the file with. */
function wholeFile(content: string): unknown {
  try {
    return parseImport('csv', content, { maxRows: 5 });
  } catch (error) {
    return (error as Error).message;
  }
}

async function inSlices(content: string, sliceChars: number): Promise<unknown> {
  try {
    return await parseImportYielding('csv', content, { maxRows: 5 }, sliceChars);
  } catch (error) {
    return (error as Error).message;
  }
}

const FILES: Record<string, string> = {
  'Chinese headers, BOM, CRLF and blank lines':
    '\uFEFF会员编号,姓名,手机\r\n\r\nHZ-1, 王芳 ,13800138000\r\nHZ-2,李强,13900139000\r\n',
  'quoted cells across lines':
    'legacyId,name,phone,address\nHZ-1,"O""Brien",138,"line one\nline two"\n',
  'characters outside the BMP at every cut': `legacyId,name,phone\nHZ-1,${'𠀀𠀁'.repeat(9)},138\n`,
  'a row with too many cells': 'legacyId,name,phone\nHZ-1,王芳,138\nHZ-2,李强,139,extra\n',
  'an unknown column': 'legacyId,name,phone,shoeSize\nHZ-1,王芳,138,42\n',
  'an unclosed quote': 'legacyId,name,phone\nHZ-1,"王芳,138\n',
  'a header only': 'legacyId,name,phone\n',
  'nothing at all': '',
  'too many rows': `legacyId,name,phone\n${'HZ,王芳,138\n'.repeat(6)}`,
};

describe('parseImportYielding', () => {
  it.each(Object.entries(FILES))('reads %s as parseImport does', async (_, content) => {
    const expected = wholeFile(content);
    for (const sliceChars of [1, 3, 7, 64, 1 << 20]) {
      expect(await inSlices(content, sliceChars)).toEqual(expected);
    }
  });

  it('reads JSON as parseImport does', async () => {
    const content = '[{"legacyId":"HZ-1","name":"王芳","phone":13800138000}]';
    expect(await parseImportYielding('json', content)).toEqual(parseImport('json', content));
  });
});
