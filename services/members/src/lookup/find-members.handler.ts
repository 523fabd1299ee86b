import { Injectable } from '@nestjs/common';
import { FindMembersRequest, MemberList } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import { MemberViews } from '../members/member-views';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';

/** Finds members by phone number: the number's blind index leads to its claim, the claim to the member. */
@Injectable()
export class FindMembers {
  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
    private readonly views: MemberViews,
  ) {}

  execute(request: FindMembersRequest, actor?: RpcActor): Promise<MemberList> {
    return inSpan('members.find', async () => {
      const claim = await this.phones.find(this.cipher.blindIndex(request.phone, PHONE_FIELD));
      const doc = claim ? await this.members.findById(claim.memberId) : null;
      return { items: doc ? [await this.views.forReader(doc, actor, 'member.lookup')] : [] };
    });
  }
}
