import { Injectable, Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import {
  AppError,
  maySeeHealth,
  ErrorCode,
  MemberView,
  RegisterMemberRequest,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { HealthAuditRepository } from '../members/health-audit.repository';
import { toMemberView } from '../members/member.mapper';
import { MemberEnrollment } from './member-enrollment';
import { consentRecords, newMemberDocument } from './new-member';

/**
 * Registers a member through MemberEnrollment (phone claimed first, then the member and its
 * `member.registered` event in one insert). A phone already on file is answered with the
 * existing member's id; the number is stored only encrypted.
 */
@Injectable()
export class RegisterMember {
  private readonly logger = new Logger(RegisterMember.name);

  constructor(
    private readonly enrollment: MemberEnrollment,
    private readonly cipher: FieldCipher,
    private readonly audit: HealthAuditRepository,
  ) {}

  execute(request: RegisterMemberRequest, actor?: RpcActor): Promise<MemberView> {
    return inSpan('members.register', async () => {
      const now = new Date();
      const takenBy = actor?.sub ?? null;
      const doc = newMemberDocument(
        {
          id: new mongo.ObjectId(),
          name: request.name,
          phone: request.phone,
          channel: request.channel,
          homeStoreId: request.homeStoreId ?? actor?.storeId ?? null,
          gender: request.gender ?? null,
          birthDate: request.birthDate ?? null,
          email: request.email ?? null,
          registeredBy: takenBy,
          registeredAt: now,
          consents: consentRecords(request.consents, {
            channel: request.channel,
            takenBy,
            at: now,
          }),
          health: request.health,
          details: request,
          referredBy: request.referredBy ?? null,
        },
        this.cipher,
        now,
      );
      const outcome = await this.enrollment.enroll(doc);
      if (!outcome.enrolled) throw phoneTaken(outcome.holderId);
      const memberId = String(doc._id);
      if (request.health) await this.audit.record(memberId, 'write', 'member.register', actor);
      this.logger.log({ memberId, channel: doc.channel }, 'member registered');
      return toMemberView(doc, this.cipher, maySeeHealth(actor?.roles));
    });
  }
}

function phoneTaken(existingMemberId: string | null): AppError {
  return new AppError(
    ErrorCode.MEMBER_PHONE_TAKEN,
    'A member with this phone number already exists',
    [{ field: 'phone', reasons: ['already registered'], existingMemberId }],
  );
}
