import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, GetMemberRequest, MemberView } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { inSpan } from '@crm/observability';
import { toMemberView } from '../members/member.mapper';
import { MemberRepository } from '../members/member.repository';

@Injectable()
export class GetMember {
  constructor(
    private readonly members: MemberRepository,
    private readonly cipher: FieldCipher,
  ) {}

  execute(request: GetMemberRequest): Promise<MemberView> {
    return inSpan('members.get', async () => {
      const doc = await this.members.findById(request.id);
      if (!doc) throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      return toMemberView(doc, this.cipher);
    });
  }
}
