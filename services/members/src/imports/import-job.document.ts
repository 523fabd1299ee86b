import type { ImportConflict, ImportFormat, ImportJobStatus, ImportRowError } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';

/** The counters of a job; `processed` = created + merged + failed + conflicts, in rows. */
export interface ImportCounters {
  processed: number;
  created: number;
  merged: number;
  failed: number;
  conflicts: number;
}

/** Where a run stands; saved with the counters, so a resumed run skips what is done. */
export interface ImportCheckpoint {
  /** People of the resolved file (resolveIdentities' order) already applied. */
  peopleDone: number;
}

/** An import job as stored in `member_import_jobs`. */
export interface ImportJobDocument extends ImportCounters {
  _id: string;
  status: ImportJobStatus;
  format: ImportFormat;
  sourceStoreId: string;
  /** Who imports: recorded as `registeredBy` and as the taker of carried-over consents. */
  requestedBy: RpcActor | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** How many parts the file came in; set by the commit. */
  parts: number | null;
  /** Data rows of the file, once parsed. */
  total: number | null;
  /** The first MAX_LISTED_IMPORT_ISSUES; the counters hold the totals. */
  errors: ImportRowError[];
  conflictList: ImportConflict[];
  /** Null until row validation and the file's own conflicts are counted. */
  checkpoint: ImportCheckpoint | null;
  /** The process running the job (its lease is in `member_import_leases`). */
  owner: string | null;
  /** Times a process took the job up; a job that keeps killing its runner stops. */
  attempts: number;
  reason: string | null;
}

/** What a run saves at a checkpoint; issue lists are left out when they did not change. */
export interface ImportProgressSnapshot extends ImportCounters {
  checkpoint: ImportCheckpoint;
  errors?: ImportJobDocument['errors'];
  conflictList?: ImportJobDocument['conflictList'];
}
