import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type MemberExport, type MemberPrivacyRequest } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { HealthAuditRepository, toHealthAuditView } from '../members/health-audit.repository';
import { MemberViews } from '../members/member-views';
import { MemberRepository } from '../members/member.repository';
import { ListMemberHistory } from '../profile/list-history.handler';
import { toPurchaseView } from '../purchases/list-purchases.handler';
import { PurchaseRepository } from '../purchases/purchase.repository';

/** Most purchases in one export; a member with more gets the newest (the count says so). */
const EXPORT_PURCHASES = 10_000;

/**
 * A person's copy of what the members service holds (PIPL right of access): the record with
 * health details (the read is audited like any other), purchases, change history and who
 * looked at their health data. The other services answer for their own data.
 */
@Injectable()
export class ExportMember {
  constructor(
    private readonly members: MemberRepository,
    private readonly views: MemberViews,
    private readonly purchases: PurchaseRepository,
    private readonly history: ListMemberHistory,
    private readonly audit: HealthAuditRepository,
  ) {}

  execute(request: MemberPrivacyRequest, actor?: RpcActor): Promise<MemberExport> {
    return inSpan('members.export', async () => {
      const doc = await this.members.findById(request.id);
      if (!doc || doc.erasedAt)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      const member = await this.views.forReader(doc, actor, 'member.export');
      const purchases = await this.purchases.forMember(request.id, EXPORT_PURCHASES);
      const { items: history } = await this.history.execute({ id: request.id }, actor);
      const healthAccess = await this.audit.forMember(request.id, 10_000);
      return {
        exportedAt: new Date().toISOString(),
        member,
        purchases: purchases.map(toPurchaseView),
        history,
        healthAccess: healthAccess.map(toHealthAuditView),
        alsoHeldBy: ['loyalty', 'care-plans', 'complaints', 'notifications'],
      };
    });
  }
}
