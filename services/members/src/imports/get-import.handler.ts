import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, GetImportRequest, type ImportJobView } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { toImportJobView } from './import-job.mapper';
import { ImportJobRepository } from './import-job.repository';

/** An import job's status and progress, for polling, with one page of its issues. */
@Injectable()
export class GetImport {
  constructor(private readonly jobs: ImportJobRepository) {}

  execute(request: GetImportRequest): Promise<ImportJobView> {
    return inSpan('members.imports.get', async () => {
      const job = await this.jobs.findById(request.id);
      if (!job) throw new AppError(ErrorCode.NOT_FOUND, `No import job ${request.id}`);
      return toImportJobView(job, request);
    });
  }
}
