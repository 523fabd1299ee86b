import { Injectable, Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import {
  AppError,
  maySeeHealth,
  MARKETING_CHANNELS,
  ErrorCode,
  MEMBER_REGISTERED,
  MemberRegisteredPayload,
  MemberView,
  RegisterMemberRequest,
  Topics,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { isDuplicateKey, newEnvelope, withOutbox, type RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { HEALTH_FIELD, PHONE_FIELD } from '../members/member-crypto';
import { HealthAuditRepository } from '../members/health-audit.repository';
import type { ConsentRecord, MemberDocument } from '../members/member.document';
import { toMemberView } from '../members/member.mapper';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';

/** A claim whose member never appeared this long after is taken to be left by a crash. */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * Registers a member. The phone number is claimed first (its blind index as a key), then
 * the member and its `member.registered` event are one insert, so either both exist or
 * neither does. A phone already on file is answered with the existing member's id; the
 * number is stored only encrypted.
 */
@Injectable()
export class RegisterMember {
  private readonly logger = new Logger(RegisterMember.name);

  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
    private readonly outbox: MembersOutbox,
    private readonly audit: HealthAuditRepository,
  ) {}

  execute(request: RegisterMemberRequest, actor?: RpcActor): Promise<MemberView> {
    return inSpan('members.register', async () => {
      const now = new Date();
      const id = new mongo.ObjectId();
      const memberId = String(id);
      const phoneIndex = this.cipher.blindIndex(request.phone, PHONE_FIELD);
      await this.claimPhone(phoneIndex, memberId);

      const doc: MemberDocument = {
        _id: id as never,
        name: request.name.trim(),
        phoneEnc: this.cipher.encrypt(request.phone, PHONE_FIELD),
        phoneIndex,
        channel: request.channel,
        homeStoreId: request.homeStoreId ?? actor?.storeId ?? null,
        gender: request.gender ?? null,
        birthDate: request.birthDate ?? null,
        email: request.email ?? null,
        registeredBy: actor?.sub ?? null,
        registeredAt: now,
        updatedAt: now,
        consents: consentsOf(request, actor, now),
        healthEnc: request.health
          ? this.cipher.encrypt(JSON.stringify(request.health), HEALTH_FIELD)
          : null,
      };
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
        await this.phones.release(phoneIndex, memberId).catch(() => undefined);
        if (isDuplicateKey(error)) throw await this.phoneTaken(phoneIndex);
        throw error;
      }
      this.outbox.nudge();
      if (request.health) await this.audit.record(memberId, 'write', 'member.register', actor);
      this.logger.log({ memberId, channel: doc.channel }, 'member registered');
      return toMemberView(doc, this.cipher, maySeeHealth(actor?.roles));
    });
  }

  private async claimPhone(phoneIndex: string, memberId: string): Promise<void> {
    if (await this.phones.claim(phoneIndex, memberId)) return;
    const claim = await this.phones.find(phoneIndex);
    const holderExists = claim ? await this.members.exists(claim.memberId) : false;
    const abandoned =
      claim && !holderExists && Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS;
    if (abandoned && (await this.phones.takeOver(phoneIndex, claim.memberId, memberId))) return;
    throw await this.phoneTaken(phoneIndex);
  }

  private async phoneTaken(phoneIndex: string): Promise<AppError> {
    const claim = await this.phones.find(phoneIndex);
    return new AppError(
      ErrorCode.MEMBER_PHONE_TAKEN,
      'A member with this phone number already exists',
      [
        {
          field: 'phone',
          reasons: ['already registered'],
          existingMemberId: claim?.memberId ?? null,
        },
      ],
    );
  }
}

/** Consents as given at registration: each with its time, channel and the staff member who took it. */
function consentsOf(
  request: RegisterMemberRequest,
  actor: RpcActor | undefined,
  at: Date,
): MemberDocument['consents'] {
  const record = (granted: boolean): ConsentRecord => ({
    granted,
    at,
    channel: request.channel,
    takenBy: actor?.sub ?? null,
  });
  const marketing: MemberDocument['consents']['marketing'] = {};
  for (const channel of MARKETING_CHANNELS) {
    const granted = request.consents?.marketing?.[channel];
    if (granted !== undefined) marketing[channel] = record(granted);
  }
  const health = request.consents?.healthData;
  return { marketing, healthData: health === undefined ? null : record(health) };
}
