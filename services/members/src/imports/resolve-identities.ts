import { ImportMemberRow, type ImportConflict } from '@crm/contracts';
import type { ValidRow } from './validate-rows';

/** One person of the file: every row that shares a phone and agrees on who it is. */
export interface ImportedPerson {
  /** The normalised 11-digit phone, the person's natural key. */
  phone: string;
  rows: number[];
  legacyIds: string[];
  value: ImportMemberRow;
}

/** Rows within the file that disagree; the member on file is compared later, by the caller. */
export type ImportRowConflict = Omit<ImportConflict, 'existingMemberId'>;

export interface ResolvedIdentities {
  people: ImportedPerson[];
  conflicts: ImportRowConflict[];
}

/** What the member on file says about who they are. */
export interface ExistingIdentity {
  name: string;
  birthDate: string | null;
  gender: string | null;
}

export interface IdentityComparison {
  sameIdentity: boolean;
  differingFields: string[];
}

/** The fields that tell two people with one phone apart (a reassigned number, a relative). */
const IDENTITY_FIELDS = ['name', 'birthDate', 'gender'] as const;
type IdentityField = (typeof IDENTITY_FIELDS)[number];
type IdentityValues = Record<IdentityField, string | undefined>;

/**
 * Rows with the same phone are the same person when they agree on name, birth date and
 * gender wherever both give one; they fold into one person. When any two of them disagree
 * the whole group is a conflict and none of its rows is imported: a person decides.
 * People and conflicts come out in the order of their first row.
 */
export function resolveIdentities(rows: readonly ValidRow[]): ResolvedIdentities {
  const result: ResolvedIdentities = { people: [], conflicts: [] };
  for (const [phone, group] of groupByPhone(rows)) {
    const differing = differingFields(group.map(({ value }) => identityOf(value)));
    if (differing.length > 0) {
      result.conflicts.push({
        phone: maskPhone(phone),
        rows: group.map(({ row }) => row),
        fields: differing,
      });
    } else {
      result.people.push(foldPerson(phone, group));
    }
  }
  return result;
}

/** The same rule as within a file, applied to a person of the file and a member on file. */
export function compareWithExisting(
  person: ImportedPerson,
  existing: ExistingIdentity,
): IdentityComparison {
  const onFile: IdentityValues = {
    name: normalizeName(existing.name),
    // A date-time from storage compares by its calendar date.
    birthDate: existing.birthDate?.slice(0, 10) || undefined,
    gender: knownGender(existing.gender),
  };
  const differing = differingFields([identityOf(person.value), onFile]);
  return { sameIdentity: differing.length === 0, differingFields: differing };
}

/** '13800138000' → '138****8000': enough for staff to recognise, not to call. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Groups in the order of each phone's first row, rows within a group in file order. */
function groupByPhone(rows: readonly ValidRow[]): Map<string, ValidRow[]> {
  const groups = new Map<string, ValidRow[]>();
  for (const row of [...rows].sort((a, b) => a.row - b.row)) {
    const group = groups.get(row.value.phone);
    if (group) group.push(row);
    else groups.set(row.value.phone, [row]);
  }
  return groups;
}

function identityOf(value: ImportMemberRow): IdentityValues {
  return {
    name: normalizeName(value.name),
    birthDate: value.birthDate,
    gender: knownGender(value.gender),
  };
}

/**
 * "王 芳" and "王芳", or "Wang Fang" and "wang  fang", are one name typed twice: whitespace,
 * case and full-width forms are not identity.
 */
function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** 'unspecified' says nothing about the person, so it disagrees with nothing. */
function knownGender(gender: string | null | undefined): string | undefined {
  return gender && gender !== 'unspecified' ? gender : undefined;
}

/** Fields given two or more different values across the records (absent values agree). */
function differingFields(records: readonly IdentityValues[]): IdentityField[] {
  return IDENTITY_FIELDS.filter((field) => {
    const given = new Set(records.map((record) => record[field]).filter((v) => v !== undefined));
    return given.size > 1;
  });
}

function foldPerson(phone: string, group: readonly ValidRow[]): ImportedPerson {
  const values = group.map(({ value }) => value);
  return {
    phone,
    rows: group.map(({ row }) => row),
    legacyIds: [...new Set(values.map(({ legacyId }) => legacyId))],
    value: mergeValues(group),
  };
}

/**
 * Each field is taken from the first row (file order) that gives it, except:
 * - registeredAt: the earliest, because membership began with the first registration;
 * - marketingSms: the latest statement, by registeredAt and then file order. Consent can be
 *   withdrawn, and a withdrawal is only honoured if a later "no" beats an earlier "yes";
 *   likewise a later "yes" is the member's current wish. Rows without a date count as
 *   older than dated ones, because nothing shows that they are recent.
 */
function mergeValues(group: readonly ValidRow[]): ImportMemberRow {
  const merged = Object.assign(new ImportMemberRow(), group[0].value);
  for (const { value } of group.slice(1)) {
    for (const [field, given] of Object.entries(value) as [keyof ImportMemberRow, unknown][]) {
      if (merged[field] === undefined) Object.assign(merged, { [field]: given });
    }
  }
  const registeredAt = earliestRegisteredAt(group);
  if (registeredAt !== undefined) merged.registeredAt = registeredAt;
  const marketingSms = latestMarketingSms(group);
  if (marketingSms !== undefined) merged.marketingSms = marketingSms;
  return merged;
}

function earliestRegisteredAt(group: readonly ValidRow[]): string | undefined {
  const dated = group.filter(({ value }) => value.registeredAt !== undefined);
  if (dated.length === 0) return undefined;
  return dated.reduce((earliest, row) =>
    registeredTime(row) < registeredTime(earliest) ? row : earliest,
  ).value.registeredAt;
}

function latestMarketingSms(group: readonly ValidRow[]): boolean | undefined {
  const stated = group.filter(({ value }) => value.marketingSms !== undefined);
  if (stated.length === 0) return undefined;
  return stated.reduce((latest, row) => (isLater(row, latest) ? row : latest)).value.marketingSms;
}

function isLater(a: ValidRow, b: ValidRow): boolean {
  const [at, bt] = [registeredTime(a), registeredTime(b)];
  return at !== bt ? at > bt : a.row > b.row;
}

function registeredTime({ value }: ValidRow): number {
  return value.registeredAt === undefined
    ? Number.NEGATIVE_INFINITY
    : new Date(value.registeredAt).getTime();
}
