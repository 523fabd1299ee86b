import {
  AppError,
  ErrorCode,
  ImportMemberRow,
  REQUIRED_IMPORT_FIELDS,
  validatePayload,
  type FieldError,
  type ImportRowError,
} from '@crm/contracts';
import { boundedError } from './import-job.mapper';
import type { ImportRecord } from './parse-import';

export type RowValidation =
  { ok: true; value: ImportMemberRow } | { ok: false; errors: ImportRowError[] };

export interface ValidRow {
  row: number;
  value: ImportMemberRow;
}

export interface ValidatedRows {
  valid: ValidRow[];
  /** Every rejected field of every rejected row, in row order. */
  errors: ImportRowError[];
  failedRows: number;
}

/**
 * Checks one record against the ImportMemberRow contract, with the same strict whitelist as
 * every inbound payload; normalisation (phone, gender, yes/no) happens on the way. A bad row
 * is reported with one error per field, never thrown, so one row cannot stop an import.
 */
export function validateRow(row: number, record: unknown): RowValidation {
  try {
    return { ok: true, value: validatePayload(ImportMemberRow, record) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== ErrorCode.VALIDATION_FAILED) throw error;
    return { ok: false, errors: toRowErrors(row, record, error.details as FieldError[]) };
  }
}

/** Splits parsed records into valid rows and row errors. */
export function validateRows(records: readonly ImportRecord[]): ValidatedRows {
  const result: ValidatedRows = { valid: [], errors: [], failedRows: 0 };
  for (const { row, record } of records) {
    const outcome = validateRow(row, record);
    if (outcome.ok) {
      result.valid.push({ row, value: outcome.value });
    } else {
      result.errors.push(...outcome.errors);
      result.failedRows += 1;
    }
  }
  return result;
}

/**
 * One error per field. A required field that is absent gets one plain reason instead of
 * the several ("must be a string; should not be empty; …") that say it worse.
 */
function toRowErrors(
  row: number,
  record: unknown,
  details: readonly FieldError[],
): ImportRowError[] {
  // Kept cut to the bounds a status shows: a field name comes from the file, of any length.
  return details.map(({ field, reasons }) =>
    boundedError({
      row,
      field,
      reason: isMissingRequired(record, field) ? `${field} is required` : reasons.join('; '),
    }),
  );
}

function isMissingRequired(record: unknown, field: string): boolean {
  return (
    (REQUIRED_IMPORT_FIELDS as readonly string[]).includes(field) &&
    (record as Record<string, unknown>)[field] === undefined
  );
}
