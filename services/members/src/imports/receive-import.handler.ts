import { Injectable } from '@nestjs/common';
import {
  AppError,
  AppendImportPartRequest,
  CommitImportRequest,
  CreateImportRequest,
  ErrorCode,
  MAX_IMPORT_CONTENT_LENGTH,
  type AppendImportPartReply,
  type ImportJobView,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import type { ImportJobDocument } from './import-job.document';
import { toImportJobView } from './import-job.mapper';
import { ImportJobRepository } from './import-job.repository';
import { ImportPartRepository } from './import-parts.repository';
import { ImportRunner } from './import-runner';

/**
 * Takes an import file in parts: `create` opens a job (`receiving`), `append` stores each part
 * under `${jobId}:${seq}` (a retried part is stored once), `commit` checks every part is in
 * and queues the job for the runner. A retried commit answers as the first one did.
 */
@Injectable()
export class ReceiveImport {
  constructor(
    private readonly jobs: ImportJobRepository,
    private readonly parts: ImportPartRepository,
    private readonly runner: ImportRunner,
  ) {}

  create(request: CreateImportRequest, actor?: RpcActor): Promise<ImportJobView> {
    return inSpan('members.imports.create', async () => {
      const requestedBy = actor
        ? {
            sub: actor.sub,
            roles: actor.roles,
            ...(actor.storeId ? { storeId: actor.storeId } : {}),
          }
        : null;
      const job = await this.jobs.create({
        format: request.format,
        sourceStoreId: request.sourceStoreId,
        requestedBy,
      });
      return toImportJobView(job);
    });
  }

  append(request: AppendImportPartRequest): Promise<AppendImportPartReply> {
    return inSpan('members.imports.append', async () => {
      const job = await this.jobOf(request.jobId);
      if (job.status === 'receiving') {
        await this.parts.put(job._id, request.seq, request.data);
      } else if (job.parts === null || request.seq >= job.parts) {
        throw notReceiving(job);
      }
      // A part of a committed job was stored before the commit: a late retry, harmless.
      return { jobId: job._id, seq: request.seq };
    });
  }

  commit(request: CommitImportRequest): Promise<ImportJobView> {
    return inSpan('members.imports.commit', async () => {
      const job = await this.jobOf(request.jobId);
      if (job.status !== 'receiving') {
        if (job.parts === request.parts) return toImportJobView(job);
        throw notReceiving(job);
      }
      await this.checkParts(job._id, request.parts);
      const queued = await this.jobs.markQueued(job._id, request.parts);
      if (!queued) return toImportJobView((await this.jobs.findById(job._id)) ?? job);
      this.runner.nudge();
      return toImportJobView(queued);
    });
  }

  private async jobOf(id: string): Promise<ImportJobDocument> {
    const job = await this.jobs.findById(id);
    if (!job) throw new AppError(ErrorCode.NOT_FOUND, `No import job ${id}`);
    return job;
  }

  private async checkParts(jobId: string, parts: number): Promise<void> {
    const received = await this.parts.received(jobId, parts);
    if (received.missing.length > 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Parts of the file never arrived', [
        {
          field: 'parts',
          reasons: [`parts ${received.missing.join(', ')} are missing; send them and commit again`],
        },
      ]);
    }
    if (received.length > MAX_IMPORT_CONTENT_LENGTH) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The file is too large', [
        {
          field: 'content',
          reasons: [`at most ${MAX_IMPORT_CONTENT_LENGTH} characters — split the file`],
        },
      ]);
    }
  }
}

function notReceiving(job: ImportJobDocument): AppError {
  return new AppError(
    ErrorCode.VALIDATION_FAILED,
    `Import job ${job._id} is ${job.status} and takes no more parts; start a new import`,
    [{ field: 'jobId', reasons: [`job is ${job.status}`] }],
  );
}
