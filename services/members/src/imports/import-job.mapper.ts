import {
  DEFAULT_IMPORT_ISSUES_PAGE,
  MAX_IMPORT_ERROR_FIELD_LENGTH,
  MAX_IMPORT_ERROR_REASON_LENGTH,
  MAX_LISTED_CONFLICT_ROWS,
  type ImportConflict,
  type ImportJobView,
  type ImportRowError,
} from '@crm/contracts';
import type { ImportJobDocument } from './import-job.document';

/** Which page of each issue list a status shows. */
export interface ImportIssuesWindow {
  errorsOffset?: number;
  errorsLimit?: number;
  conflictsOffset?: number;
  conflictsLimit?: number;
}

/**
 * Allow-list of what a job view shows (no owner, lease or requester details), with one page
 * of each issue list and every text and row list cut to its bound: a status must fit one NATS
 * reply (1 MB by default) whatever the file held, or every read of it would time out. Jobs
 * stored before the bounds are cut here too.
 */
export function toImportJobView(
  job: ImportJobDocument,
  window: ImportIssuesWindow = {},
): ImportJobView {
  const errors = page(job.errors, window.errorsOffset, window.errorsLimit);
  const conflicts = page(job.conflictList, window.conflictsOffset, window.conflictsLimit);
  return {
    id: job._id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    created: job.created,
    merged: job.merged,
    failed: job.failed,
    conflicts: job.conflicts,
    errors: errors.items.map(boundedError),
    errorsPage: errors.page,
    conflictList: conflicts.items.map(boundedConflict),
    conflictsPage: conflicts.page,
    startedAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    sourceStoreId: job.sourceStoreId,
    reason: job.reason,
  };
}

function page<T>(list: readonly T[], offset = 0, limit = DEFAULT_IMPORT_ISSUES_PAGE) {
  return {
    items: list.slice(offset, offset + limit),
    page: { offset, limit, listed: list.length },
  };
}

/** A row error with its field and reason cut to their bounds. */
export function boundedError(error: ImportRowError): ImportRowError {
  return {
    row: error.row,
    field: cut(error.field, MAX_IMPORT_ERROR_FIELD_LENGTH),
    reason: cut(error.reason, MAX_IMPORT_ERROR_REASON_LENGTH),
  };
}

function boundedConflict(conflict: ImportConflict): ImportConflict {
  return {
    ...conflict,
    rows: conflict.rows.slice(0, MAX_LISTED_CONFLICT_ROWS),
    rowCount: conflict.rowCount ?? conflict.rows.length,
  };
}

/** At most `max` characters, never half a surrogate pair, with an ellipsis when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
