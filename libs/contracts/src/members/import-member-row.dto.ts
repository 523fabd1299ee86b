import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { GENDERS, type Gender, MAINLAND_MOBILE } from './member.enums';
import { IsPlausibleBirthDate } from './plausible-birth-date.validator';

export const IMPORT_FORMATS = ['csv', 'json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** `receiving` while the gateway sends the file in parts; `queued` once all parts are in. */
export const IMPORT_JOB_STATUSES = [
  'receiving',
  'queued',
  'running',
  'completed',
  'failed',
] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

export const MAX_IMPORT_ROWS = 100_000;
/** ~300 characters a row for 100,000 rows; a bigger file should be split anyway. */
export const MAX_IMPORT_CONTENT_LENGTH = 30 * 1024 * 1024;
/** Job views list only the first errors and conflicts; the counters hold the totals. */
export const MAX_LISTED_IMPORT_ISSUES = 1_000;

const STORE_CODE = /^[A-Z0-9-]{2,20}$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** IsISO8601 alone also takes '2019', '2019-03' and week dates; archives give days or instants. */
const DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T.+)?$/;

/**
 * Every field an import row may carry, in the order a CSV template lists them. Health
 * fields are deliberately absent: legacy archives carry no separate health-data consent.
 */
export const IMPORT_MEMBER_FIELDS = [
  'legacyId',
  'name',
  'phone',
  'gender',
  'birthDate',
  'email',
  'homeStoreId',
  'region',
  'district',
  'address',
  'registeredAt',
  'marketingSms',
] as const;
export type ImportMemberField = (typeof IMPORT_MEMBER_FIELDS)[number];
export const REQUIRED_IMPORT_FIELDS: readonly ImportMemberField[] = ['legacyId', 'name', 'phone'];

/**
 * "+86 138-0013-8000", "0086 13800138000", "138 0013 8000" → "13800138000". NFKC first
 * turns the full-width digits and signs that Chinese input methods produce into ASCII.
 * Anything that still is not 11 digits is returned as it stands, for validation to reject.
 */
export function normalizeMainlandPhone(raw: string): string {
  const compact = raw.normalize('NFKC').replace(/[\s\-().]/g, '');
  return compact.replace(/^(?:\+86|0086|86)(?=\d{11}$)/, '');
}

/** A Map, so that 'constructor' or '__proto__' in a cell finds nothing. */
const LEGACY_GENDERS: ReadonlyMap<string, Gender> = new Map<string, Gender>([
  ['男', 'male'],
  ['女', 'female'],
  ['m', 'male'],
  ['f', 'female'],
  ['male', 'male'],
  ['female', 'female'],
  ['unspecified', 'unspecified'],
]);

/** Legacy codes ('男', 'F', 'Male') → our gender; unknown values pass on to be rejected. */
export function normalizeLegacyGender(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  return LEGACY_GENDERS.get(raw.trim().toLowerCase()) ?? raw;
}

const LEGACY_TRUE = new Set(['true', '1', 'yes', 'y', '是']);
const LEGACY_FALSE = new Set(['false', '0', 'no', 'n', '否']);

/** CSV cells and legacy JSON write booleans as text ('是', 'yes', '1'); unknown text passes on. */
export function parseLegacyBoolean(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim().toLowerCase();
  if (LEGACY_TRUE.has(text)) return true;
  if (LEGACY_FALSE.has(text)) return false;
  return raw;
}

/** Legacy JSON exports often hold ids and phones as numbers. */
function numberToString(raw: unknown): unknown {
  return typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
}

function toMainlandPhone(raw: unknown): unknown {
  const text = numberToString(raw);
  return typeof text === 'string' ? normalizeMainlandPhone(text) : text;
}

const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * A date or date-time no later than now. A bare date is compared with today's date in China
 * (UTC+8, no daylight saving): read as UTC midnight, a member who joined this morning in
 * Beijing would otherwise be "in the future" until 08:00.
 */
export function isNotInFuture(value: unknown, now = new Date()): boolean {
  if (typeof value !== 'string') return false;
  if (CALENDAR_DATE.test(value)) {
    const todayInChina = new Date(now.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
    return value <= todayInChina;
  }
  const at = new Date(value).getTime();
  return !Number.isNaN(at) && at <= now.getTime();
}

export function IsNotInFuture() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotInFuture',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must not be in the future` },
      validator: { validate: (value: unknown) => isNotInFuture(value) },
    });
}

/**
 * One member of a regional archive, as a CSV line or a JSON object. Values are normalised
 * (phone, gender, yes/no) while the payload is turned into this class, before validation.
 */
export class ImportMemberRow {
  @ApiProperty({ example: 'HZ-000123', maxLength: 64, description: "The archive's own id" })
  @Transform(({ value }) => numberToString(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  legacyId!: string;

  @ApiProperty({ example: '王芳', maxLength: 60 })
  @CleanText()
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  name!: string;

  @ApiProperty({
    example: '13800138000',
    pattern: MAINLAND_MOBILE.source,
    description: 'Also "+86 138-0013-8000", "86 13800138000", spaces and dashes',
  })
  @Transform(({ value }) => toMainlandPhone(value))
  @Matches(MAINLAND_MOBILE, {
    message: 'phone must be a mainland mobile number (11 digits, 13–19…)',
  })
  phone!: string;

  @ApiPropertyOptional({ enum: GENDERS, description: "Also '男'/'女' and 'M'/'F'" })
  @Transform(({ value }) => normalizeLegacyGender(value))
  @IsOptional()
  @IsIn(GENDERS, { message: "gender must be one of female, male, unspecified, '男', '女', M, F" })
  gender?: Gender;

  @ApiPropertyOptional({ example: '1968-04-12', format: 'date' })
  @IsOptional()
  @Matches(CALENDAR_DATE, { message: 'birthDate must be a date such as 1968-04-12' })
  @IsISO8601({ strict: true })
  @IsPlausibleBirthDate()
  birthDate?: string;

  @ApiPropertyOptional({ example: 'wang.fang@example.com' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ example: 'S001', pattern: STORE_CODE.source })
  @IsOptional()
  @Matches(STORE_CODE, { message: 'homeStoreId must be a store code such as S001' })
  homeStoreId?: string;

  @ApiPropertyOptional({ example: '浙江', maxLength: 40 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(40)
  region?: string;

  @ApiPropertyOptional({ example: '西湖区', maxLength: 40 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(40)
  district?: string;

  @ApiPropertyOptional({ example: '文三路 90 号', maxLength: 200 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(200)
  address?: string;

  @ApiPropertyOptional({ example: '2019-03-02', description: 'ISO date or date-time' })
  @IsOptional()
  @Matches(DATE_OR_DATE_TIME, {
    message:
      'registeredAt must be a date or date-time such as 2019-03-02 or 2019-03-02T10:00:00+08:00',
  })
  @IsISO8601({ strict: true })
  @IsNotInFuture()
  registeredAt?: string;

  @ApiPropertyOptional({ description: "Also 'true'/'false', '1'/'0', 'yes'/'no', '是'/'否'" })
  @Transform(({ value }) => parseLegacyBoolean(value))
  @IsOptional()
  @IsBoolean({ message: "marketingSms must be true or false ('1'/'0', 'yes'/'no', '是'/'否')" })
  marketingSms?: boolean;
}

/** `POST /api/v1/members/imports` body and its NATS request alike. */
export class StartImportRequest {
  @ApiProperty({ enum: IMPORT_FORMATS, example: 'csv' })
  @IsIn(IMPORT_FORMATS)
  format!: ImportFormat;

  @ApiProperty({ example: 'S001', pattern: STORE_CODE.source, description: 'Who sent the file' })
  @Matches(STORE_CODE, { message: 'sourceStoreId must be a store code such as S001' })
  sourceStoreId!: string;

  @ApiProperty({
    description:
      'The whole file: CSV text with a header line (field names or 姓名, 手机, …) or a JSON array of row objects',
    maxLength: MAX_IMPORT_CONTENT_LENGTH,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_IMPORT_CONTENT_LENGTH, {
    message: `content must be at most ${MAX_IMPORT_CONTENT_LENGTH} characters — split the file`,
  })
  content!: string;
}

/**
 * What a status shows of one row error: a field name or reason comes from the file (a JSON
 * key of any length, a reason quoting it), so each is cut to these many characters. With the
 * page sizes below, a status page is at most a few hundred KB, well inside a NATS message.
 */
export const MAX_IMPORT_ERROR_FIELD_LENGTH = 64;
export const MAX_IMPORT_ERROR_REASON_LENGTH = 200;
/** Rows a conflict lists; `rowCount` has them all. */
export const MAX_LISTED_CONFLICT_ROWS = 50;
/** Row errors and conflicts a status lists at once, at most (and by default). */
export const MAX_IMPORT_ISSUES_PAGE = 200;
export const DEFAULT_IMPORT_ISSUES_PAGE = 100;

export class ImportRowError {
  @ApiProperty({ example: 3, description: '1-based data row; the CSV header is not counted' })
  row!: number;
  @ApiProperty({
    example: 'phone',
    maxLength: MAX_IMPORT_ERROR_FIELD_LENGTH,
    description: 'Cut to 64 characters (an unknown JSON key may be longer)',
  })
  field!: string;
  @ApiProperty({
    example: 'phone must be a mainland mobile number (11 digits, 13–19…)',
    maxLength: MAX_IMPORT_ERROR_REASON_LENGTH,
  })
  reason!: string;
}

/** Which part of a list a status shows. */
export class ImportIssuesPage {
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ example: 100 }) limit!: number;
  @ApiProperty({ description: 'How many the job lists in all (the first 1,000 at most)' })
  listed!: number;
}

/** Rows that share a phone but disagree on who the person is: a person decides. */
export class ImportConflict {
  @ApiProperty({ example: '138****8000' }) phone!: string;
  @ApiProperty({
    type: [Number],
    example: [4, 17],
    maxItems: MAX_LISTED_CONFLICT_ROWS,
    description: 'The first 50 rows',
  })
  rows!: number[];
  @ApiPropertyOptional({
    example: 2,
    description: 'All the rows in conflict (`rows` lists the first 50)',
  })
  rowCount?: number;
  @ApiProperty({ type: [String], example: ['birthDate'], description: 'Fields that disagree' })
  fields!: string[];
  @ApiPropertyOptional({ description: 'Set when the rows disagree with a member on file' })
  existingMemberId?: string;
}

export class ImportJobView {
  @ApiProperty({ example: '6740a1f2c3b4d5e6f7a8b9c0' }) id!: string;
  @ApiProperty({ enum: IMPORT_JOB_STATUSES }) status!: ImportJobStatus;
  @ApiProperty({ type: Number, nullable: true, description: 'Known once the file is parsed' })
  total!: number | null;
  @ApiProperty({ description: 'Rows done so far: created + merged + failed + conflicts' })
  processed!: number;
  @ApiProperty({ description: 'Members created (one per person, however many rows)' })
  created!: number;
  @ApiProperty({ description: 'Rows folded into an existing member or an earlier row' })
  merged!: number;
  @ApiProperty({ description: 'Rows rejected; their reasons are in `errors`' })
  failed!: number;
  @ApiProperty({ description: 'Rows held back for a person to decide (grouped in `conflictList`)' })
  conflicts!: number;
  @ApiProperty({
    type: [ImportRowError],
    maxItems: MAX_IMPORT_ISSUES_PAGE,
    description:
      'A page of the row errors (of the first 1,000): `errorsOffset` and `errorsLimit` (≤ 200, default 100) choose it',
  })
  errors!: ImportRowError[];
  @ApiPropertyOptional({ type: ImportIssuesPage }) errorsPage?: ImportIssuesPage;
  @ApiProperty({
    type: [ImportConflict],
    maxItems: MAX_IMPORT_ISSUES_PAGE,
    description:
      'A page of the conflicts (of the first 1,000): `conflictsOffset` and `conflictsLimit` (≤ 200, default 100) choose it',
  })
  conflictList!: ImportConflict[];
  @ApiPropertyOptional({ type: ImportIssuesPage }) conflictsPage?: ImportIssuesPage;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ example: 'S001' }) sourceStoreId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Missing CSV columns: phone',
    description: 'Why a failed job stopped, e.g. a file that could not be read',
  })
  reason!: string | null;
}
