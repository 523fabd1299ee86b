import { Injectable } from '@nestjs/common';
import { FindMembersRequest, MemberList } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import { toMemberView } from '../members/member.mapper';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';

/** Finds members by phone number: the number's blind index leads to its claim, the claim to the member. */
@Injectable()
export class FindMembers {
  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
  ) {}

  execute(request: FindMembersRequest): Promise<MemberList> {
    return inSpan('members.find', async () => {
      const claim = await this.phones.find(this.cipher.blindIndex(request.phone, PHONE_FIELD));
      const doc = claim ? await this.members.findById(claim.memberId) : null;
      return { items: doc ? [toMemberView(doc, this.cipher)] : [] };
    });
  }
}
