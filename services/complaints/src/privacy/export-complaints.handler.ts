import { Injectable } from '@nestjs/common';
import type { ComplaintView, MemberPrivacyRequest } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { foldVersions } from '../cases/case-state';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { CaseReader } from '../lookup/case-reader';

/** `complaints.v1.export`: the member's cases with their history (part of the member's export). */
@Injectable()
export class ExportComplaints {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly reader: CaseReader,
  ) {}

  execute(request: MemberPrivacyRequest): Promise<{ complaints: ComplaintView[] }> {
    return inSpan('complaints.export', async () => {
      const complaints: ComplaintView[] = [];
      for (const caseId of await this.versions.casesOfMember(request.id)) {
        const steps = await this.versions.ofCase(caseId);
        complaints.push(await this.reader.viewOf(steps, foldVersions(steps)));
      }
      return { complaints: complaints.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)) };
    });
  }
}
