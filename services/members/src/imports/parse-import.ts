import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  CsvError as CsvStreamError,
  parse as parseCsvStream,
  type OptionsWithColumns,
} from 'csv-parse';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import {
  AppError,
  ErrorCode,
  IMPORT_MEMBER_FIELDS,
  MAX_IMPORT_ROWS,
  REQUIRED_IMPORT_FIELDS,
  type ImportFormat,
  type ImportMemberField,
} from '@crm/contracts';

/**
 * One data row of an import file; `row` is 1-based and does not count the CSV header.
 * `record` is an object for every CSV row, but a JSON array may hold anything: validation
 * reports a row that is not an object.
 */
export interface ImportRecord {
  row: number;
  record: unknown;
}

export interface ParseImportOptions {
  maxRows?: number;
}

/** The headers a regional archive exported from its own (Chinese) system carries. */
export const CHINESE_IMPORT_HEADERS: Readonly<Record<string, ImportMemberField>> = {
  会员编号: 'legacyId',
  姓名: 'name',
  手机: 'phone',
  性别: 'gender',
  出生日期: 'birthDate',
  邮箱: 'email',
  门店: 'homeStoreId',
  区域: 'region',
  区县: 'district',
  地址: 'address',
  入会日期: 'registeredAt',
  短信营销: 'marketingSms',
};

/**
 * Reads a whole import file into records, one per data row, or throws VALIDATION.FAILED when
 * the file as a whole cannot be imported (unreadable, wrong header, too many rows). Field
 * values are left for row validation, except that blank cells and nulls become absent.
 */
export function parseImport(
  format: ImportFormat,
  content: string,
  { maxRows = MAX_IMPORT_ROWS }: ParseImportOptions = {},
): ImportRecord[] {
  rejectMisdecodedText(content);
  // Counting lines takes milliseconds where parsing 100,000 rows takes seconds, so an
  // oversized file is refused at once. The count after parsing stays the authority.
  if (format === 'csv') rejectTooMany(countCsvDataRows(content), maxRows);
  const records = format === 'csv' ? readCsv(content) : readJson(content);
  if (records.length === 0) throw fileError('The file has no member rows');
  rejectTooMany(records.length, maxRows);
  return records.map((record, index) => ({ row: index + 1, record: withoutBlanks(record) }));
}

/** Characters fed to the CSV parser between two yields: ~2,500 rows, about 0.1 s of work. */
const CSV_SLICE_CHARS = 256 * 1024;

/**
 * parseImport for the runner: the same result and the same refusals, but a CSV file is fed to
 * the parser a slice at a time, yielding to the event loop between slices. Parsed in one go, a
 * 30 MB file would keep the process from answering anything for several seconds.
 */
export async function parseImportYielding(
  format: ImportFormat,
  content: string,
  { maxRows = MAX_IMPORT_ROWS }: ParseImportOptions = {},
  sliceChars = CSV_SLICE_CHARS,
): Promise<ImportRecord[]> {
  if (format === 'json') return parseImport(format, content, { maxRows });
  rejectMisdecodedText(content);
  rejectTooMany(countCsvDataRows(content), maxRows);
  const records = await readCsvInSlices(content, sliceChars);
  if (records.length === 0) throw fileError('The file has no member rows');
  rejectTooMany(records.length, maxRows);
  return records.map((record, index) => ({ row: index + 1, record }));
}

function rejectTooMany(rows: number, maxRows: number): void {
  if (rows > maxRows) {
    throw fileError(`The file has ${rows} rows; at most ${maxRows} per import — split the file`);
  }
}

const QUOTE = 0x22;
const LINE_FEED = 0x0a;
const BLANK = new Set([0x20, 0x09, 0x0d, 0xfeff]);

/**
 * Data rows as the parser will see them: lines with something besides whitespace (blank
 * lines are skipped), where a line break inside quotes does not end a row, less the header.
 */
export function countCsvDataRows(content: string): number {
  let rows = 0;
  let quoted = false;
  let lineHasData = false;
  for (let i = 0; i < content.length; i += 1) {
    const char = content.charCodeAt(i);
    if (char === QUOTE) quoted = !quoted; // an escaped quote ("") flips twice
    if (char === LINE_FEED && !quoted) {
      if (lineHasData) rows += 1;
      lineHasData = false;
    } else if (!BLANK.has(char)) {
      lineHasData = true;
    }
  }
  if (lineHasData) rows += 1;
  return Math.max(rows - 1, 0);
}

/** The parser's options, for the whole-file and the sliced read alike. */
function csvOptions(onHeader: () => void): OptionsWithColumns<Record<string, string>> {
  return {
    columns: (header: string[]) => {
      onHeader();
      return toFieldNames(header);
    },
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: false,
  };
}

function readCsv(content: string): unknown[] {
  let sawHeader = false;
  try {
    const records = parseCsv<Record<string, string>>(
      content,
      csvOptions(() => (sawHeader = true)),
    );
    if (!sawHeader) throw fileError('The CSV file is empty: it needs a header line');
    return records;
  } catch (error) {
    throw asFileError(error);
  }
}

/** The records of a CSV file, blanks already dropped (the work is spread over the slices). */
async function readCsvInSlices(content: string, sliceChars: number): Promise<unknown[]> {
  let sawHeader = false;
  const records: unknown[] = [];
  let failure: { error: unknown } | undefined;
  const parser = parseCsvStream(csvOptions(() => (sawHeader = true)));
  parser.on('data', (record: unknown) => records.push(withoutBlanks(record)));
  parser.on('error', (error: unknown) => (failure ??= { error }));
  const ended = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', () => resolve());
  });
  for (let start = 0; start < content.length && !failure;) {
    const end = sliceEnd(content, start, sliceChars);
    parser.write(content.slice(start, end));
    start = end;
    await yieldToEventLoop();
  }
  parser.end();
  await ended;
  if (failure) throw asFileError(failure.error);
  if (!sawHeader) throw fileError('The CSV file is empty: it needs a header line');
  return records;
}

/** A slice never ends between the halves of a surrogate pair (it would be encoded as U+FFFD). */
function sliceEnd(content: string, start: number, sliceChars: number): number {
  const end = Math.min(content.length, start + sliceChars);
  const code = content.charCodeAt(end - 1);
  return end < content.length && code >= 0xd800 && code <= 0xdbff ? end + 1 : end;
}

/** Each entry point of csv-parse bundles its own CsvError class. */
function asFileError(error: unknown): unknown {
  if (error instanceof CsvError || error instanceof CsvStreamError) {
    return fileError(`The CSV file cannot be read at line ${error.lines}: ${error.message}`);
  }
  return error;
}

/** Maps the header line to field names, or names every missing, unknown or repeated column. */
function toFieldNames(header: string[]): ImportMemberField[] {
  const fields = header.map((column) => fieldNamed(column));
  const unknown = header.filter((_, i) => fields[i] === undefined);
  if (unknown.length > 0) {
    throw fileError(
      `Unknown CSV columns: ${unknown.join(', ')}. Allowed: ${IMPORT_MEMBER_FIELDS.join(', ')} ` +
        `or ${Object.keys(CHINESE_IMPORT_HEADERS).join(', ')}`,
    );
  }
  const known = fields as ImportMemberField[];
  const repeated = known.filter((field, i) => known.indexOf(field) !== i);
  if (repeated.length > 0) {
    throw fileError(`CSV columns given twice: ${[...new Set(repeated)].join(', ')}`);
  }
  const missing = REQUIRED_IMPORT_FIELDS.filter((field) => !known.includes(field));
  if (missing.length > 0) throw fileError(`Missing CSV columns: ${missing.join(', ')}`);
  return known;
}

function fieldNamed(column: string): ImportMemberField | undefined {
  if ((IMPORT_MEMBER_FIELDS as readonly string[]).includes(column)) {
    return column as ImportMemberField;
  }
  return Object.hasOwn(CHINESE_IMPORT_HEADERS, column) ? CHINESE_IMPORT_HEADERS[column] : undefined;
}

/**
 * JSON rows keep their own keys: unknown keys and non-object rows are reported per row by
 * validation rather than failing the whole file.
 */
function readJson(content: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw fileError(`The JSON file cannot be read: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw fileError('The JSON file must be an array of member objects, [{ "legacyId": … }, …]');
  }
  return parsed as unknown[];
}

/**
 * Legacy exports write "" or null for "not known"; to validation both mean absent.
 * Object.fromEntries keeps a JSON key "__proto__" an own, reportable property.
 */
function withoutBlanks(record: unknown): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  return Object.fromEntries(
    Object.entries(record)
      .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value])
      .filter(([, value]) => value !== '' && value !== null && value !== undefined),
  );
}

/**
 * A file saved as GBK (what Excel in China writes by default) and read as UTF-8 arrives
 * full of U+FFFD; importing it would store garbled names, so the whole file is refused.
 */
function rejectMisdecodedText(content: string): void {
  const at = content.indexOf('\uFFFD');
  if (at === -1) return;
  const line = content.slice(0, at).split('\n').length;
  throw fileError(
    `The file is not valid UTF-8 (first bad character on line ${line}); ` +
      'save it as UTF-8 (in Excel: "CSV UTF-8") and import it again',
  );
}

function fileError(message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, [
    { field: 'content', reasons: [message] },
  ]);
}
