import { Injectable, Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import {
  AppError,
  ErrorCode,
  MEMBER_REGISTERED,
  MemberRegisteredPayload,
  MemberView,
  RegisterMemberRequest,
  Topics,
} from '@crm/contracts';
import { newEnvelope, withOutbox, type RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import type { MemberDocument } from '../members/member.document';
import { toMemberView } from '../members/member.mapper';
import { isDuplicateKey, MemberRepository } from '../members/member.repository';

/**
 * Registers a member. The member and its `member.registered` event are one insert, so
 * either both exist or neither does; a phone already on file is answered with the
 * existing member's id.
 */
@Injectable()
export class RegisterMember {
  private readonly logger = new Logger(RegisterMember.name);

  constructor(
    private readonly members: MemberRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  execute(request: RegisterMemberRequest, actor?: RpcActor): Promise<MemberView> {
    return inSpan('members.register', async () => {
      const now = new Date();
      const doc: MemberDocument = {
        _id: new mongo.ObjectId() as never,
        name: request.name.trim(),
        phone: request.phone,
        channel: request.channel,
        homeStoreId: request.homeStoreId ?? actor?.storeId ?? null,
        gender: request.gender ?? null,
        birthDate: request.birthDate ?? null,
        email: request.email ?? null,
        registeredBy: actor?.sub ?? null,
        registeredAt: now,
        updatedAt: now,
      };
      const memberId = String(doc._id);
      const payload: MemberRegisteredPayload = {
        memberId,
        channel: doc.channel,
        homeStoreId: doc.homeStoreId ?? undefined,
        registeredAt: now.toISOString(),
      };
      const event = newEnvelope({
        type: MEMBER_REGISTERED,
        source: 'members',
        key: memberId,
        payload,
      });
      try {
        await this.members.insert(
          withOutbox(doc, { topic: Topics.membersEvents, envelope: event }),
        );
      } catch (error) {
        if (isDuplicateKey(error)) throw await this.phoneTaken(request.phone);
        throw error;
      }
      this.outbox.nudge();
      this.logger.log({ memberId, channel: doc.channel }, 'member registered');
      return toMemberView(doc);
    });
  }

  private async phoneTaken(phone: string): Promise<AppError> {
    const existing = await this.members.findIdByPhone(phone);
    return new AppError(
      ErrorCode.MEMBER_PHONE_TAKEN,
      'A member with this phone number already exists',
      [
        {
          field: 'phone',
          reasons: ['already registered'],
          existingMemberId: existing ? String(existing._id) : null,
        },
      ],
    );
  }
}
