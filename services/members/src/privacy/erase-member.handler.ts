import { Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  MEMBER_ERASED,
  type MemberErasedPayload,
  type MemberErasure,
  type MemberPrivacyRequest,
  Topics,
} from '@crm/contracts';
import { newEnvelope, queueEvents, type RpcActor } from '@crm/messaging';
import { dbSpan, inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { ageBand, withoutPersonalData } from '../members/personal-data';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import { MemberHistoryRepository } from '../profile/member-history.repository';
import { PurchaseRepository } from '../purchases/purchase.repository';

/**
 * Erases a member's personal and health data (PIPL right to deletion) and tells every
 * service with `member.erased`. What refers to the person goes first (phone claim, the
 * phone's index on purchases, the change history with its old values), the member document
 * last, with its event in the same write: a crash midway leaves a member that is simply
 * erased again on the next request. Purchases, figures and the health-access log stay,
 * anonymous, under the member id.
 */
@Injectable()
export class EraseMember {
  private readonly logger = new Logger(EraseMember.name);

  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly purchases: PurchaseRepository,
    private readonly history: MemberHistoryRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  execute(request: MemberPrivacyRequest, actor?: RpcActor): Promise<MemberErasure> {
    return inSpan('members.erase', async () => {
      const doc = await this.members.findById(request.id);
      if (!doc) throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      if (doc.erasedAt) return { memberId: request.id, erasedAt: doc.erasedAt.toISOString() };

      await this.phones.release(doc.phoneIndex, request.id);
      await this.purchases.forgetPhone(request.id);
      await this.history.deleteForMember(request.id);

      const erasedAt = new Date();
      const queued = queueEvents({
        topic: Topics.membersEvents,
        envelope: newEnvelope<MemberErasedPayload>({
          type: MEMBER_ERASED,
          source: 'members',
          key: request.id,
          payload: { memberId: request.id, erasedAt: erasedAt.toISOString() },
        }),
      });
      await this.members.serialize(request.id, () =>
        dbSpan(MEMBERS_COLLECTION, 'update', () =>
          this.members.collection.updateOne(
            { _id: doc._id } as never,
            {
              $set: {
                ...withoutPersonalData(request.id, 'erased').$set,
                consents: { marketing: {}, healthData: null },
                ageBandAtErasure: ageBand(doc.birthDate, erasedAt),
                erasedAt,
                updatedAt: erasedAt,
                ...queued.$set,
              },
              $unset: withoutPersonalData(request.id, 'erased').$unset,
              $push: queued.$push,
            } as never,
          ),
        ),
      );
      this.outbox.nudge();
      this.logger.log({ memberId: request.id, by: actor?.sub ?? null }, 'member erased');
      return { memberId: request.id, erasedAt: erasedAt.toISOString() };
    });
  }
}
