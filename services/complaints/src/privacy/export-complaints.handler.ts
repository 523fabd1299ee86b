import { Injectable } from '@nestjs/common';
import type { ComplaintView, MemberPrivacyRequest } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { foldVersions } from '../cases/case-state';
import type { CaseVersion } from '../cases/case-version';
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
      const byCase = new Map<string, CaseVersion[]>();
      for (const step of await this.versions.ofMemberAll(request.id))
        byCase.set(step.caseId, [...(byCase.get(step.caseId) ?? []), step]);
      const complaints: ComplaintView[] = [];
      for (const steps of byCase.values()) {
        // A case's steps all carry its member; the export reads them all, as the case does.
        const all = await this.versions.ofCase(steps[0]!.caseId);
        complaints.push(await this.reader.viewOf(all, foldVersions(all)));
      }
      return { complaints: complaints.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)) };
    });
  }
}
