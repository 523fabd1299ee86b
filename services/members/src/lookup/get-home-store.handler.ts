import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type MemberHomeStoreRequest,
  type MemberHomeStoreView,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { MemberRepository } from '../members/member.repository';

/** Merges chain at most this deep (a survivor merged again); more is a broken record. */
const MAX_MERGE_HOPS = 5;

/**
 * A member's home store for another service's store scoping (docs/access-rules.md), read at
 * the moment of the action so a home-store move counts at once. A merged duplicate answers for
 * its survivor (whose record now holds the person); an erased member still answers (`erased`),
 * so the asking service can refuse with its own reason (loyalty: MEMBER.ERASED).
 */
@Injectable()
export class GetHomeStore {
  constructor(private readonly members: MemberRepository) {}

  execute(request: MemberHomeStoreRequest): Promise<MemberHomeStoreView> {
    return inSpan('members.home-store', async () => {
      let doc = await this.members.findById(request.id);
      for (let hop = 0; doc?.mergedInto && hop < MAX_MERGE_HOPS; hop++)
        doc = await this.members.findById(doc.mergedInto);
      if (!doc || doc.mergedInto)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      return {
        memberId: String(doc._id),
        homeStoreId: doc.homeStoreId ?? null,
        erased: !!doc.erasedAt,
      };
    });
  }
}
