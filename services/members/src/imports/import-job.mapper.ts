import type { ImportJobView } from '@crm/contracts';
import type { ImportJobDocument } from './import-job.document';

/** Allow-list of what a job view shows (no owner, lease or requester details). */
export function toImportJobView(job: ImportJobDocument): ImportJobView {
  return {
    id: job._id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    created: job.created,
    merged: job.merged,
    failed: job.failed,
    conflicts: job.conflicts,
    errors: job.errors,
    conflictList: job.conflictList,
    startedAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    sourceStoreId: job.sourceStoreId,
    reason: job.reason,
  };
}
