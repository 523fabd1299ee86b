import { Injectable } from '@nestjs/common';
import { FindMembersRequest, MemberList } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import { MemberViews } from '../members/member-views';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';

/**
 * Finds members by phone number through its blind index: usually one read, of the member whose
 * current phone it is. Only a number no member has now takes a second look, at its claim: a
 * merged duplicate's number leads to the survivor that way.
 */
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
      const phoneIndex = this.cipher.blindIndex(request.phone, PHONE_FIELD);
      let doc = await this.members.findByPhoneIndex(phoneIndex);
      if (!doc) {
        const holder = await this.phones.holderOf(phoneIndex);
        doc = holder ? await this.members.findById(holder) : null;
      }
      // A remembered holder may have been merged or erased since (by another replica).
      if (doc?.mergedInto) doc = await this.members.findById(doc.mergedInto);
      if (!doc || doc.erasedAt) return { items: [] };
      return { items: [await this.views.forReader(doc, actor, 'member.lookup')] };
    });
  }
}
