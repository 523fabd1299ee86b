import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, GetMemberRequest, MemberView } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberViews } from '../members/member-views';
import { MemberRepository } from '../members/member.repository';

@Injectable()
export class GetMember {
  constructor(
    private readonly members: MemberRepository,
    private readonly views: MemberViews,
  ) {}

  execute(request: GetMemberRequest, actor?: RpcActor): Promise<MemberView> {
    return inSpan('members.get', async () => {
      const doc = await this.members.findById(request.id);
      if (doc?.mergedInto)
        throw new AppError(
          ErrorCode.MEMBER_NOT_FOUND,
          `Member ${request.id} was merged into ${doc.mergedInto}`,
          [{ field: 'id', reasons: [`merged into ${doc.mergedInto}`], mergedInto: doc.mergedInto }],
        );
      if (!doc || doc.erasedAt)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      return this.views.forReader(doc, actor, 'member.view');
    });
  }
}
