import type { mongo } from 'mongoose';
import {
  MARKETING_CHANNELS,
  MEMBER_REGISTERED,
  Topics,
  type Gender,
  type HealthProfile,
  type MarketingChannel,
  type MemberRegisteredPayload,
  type ProfileDetails,
  type RegistrationChannel,
} from '@crm/contracts';
import type { FieldCipher } from '@crm/crypto';
import { newEnvelope, type OutboxEntry } from '@crm/messaging';
import { HEALTH_FIELD, PHONE_FIELD } from '../members/member-crypto';
import type { ConsentRecord, MemberDocument } from '../members/member.document';
import { profileDetailsOf } from '../members/member.mapper';

/** A member about to be enrolled, whatever brought them (a registration, an archive import). */
export interface NewMember {
  id: mongo.ObjectId;
  name: string;
  /** The 11-digit number; stored only encrypted, found through its blind index. */
  phone: string;
  channel: RegistrationChannel;
  homeStoreId: string | null;
  gender: Gender | null;
  birthDate: string | null;
  email: string | null;
  registeredBy: string | null;
  registeredAt: Date;
  consents: MemberDocument['consents'];
  /** Kept only with health-data consent; the caller has checked it. */
  health?: HealthProfile;
  /** Address, lifestyle, employer and the other optional profile fields. */
  details?: ProfileDetails;
  referredBy?: string | null;
}

/** Consents as stated, each recorded with how, when and by whom it was taken. */
export interface GivenConsents {
  marketing?: Partial<Record<MarketingChannel, boolean>>;
  healthData?: boolean;
}

export interface ConsentTaking {
  /** The registration channel, or 'import' for consents carried over from an archive. */
  channel: string;
  takenBy: string | null;
  at: Date;
}

/** Only stated consents are recorded: a channel nobody asked about stays absent, not "no". */
export function consentRecords(
  given: GivenConsents | undefined,
  taking: ConsentTaking,
): MemberDocument['consents'] {
  const record = (granted: boolean): ConsentRecord => ({ granted, ...taking });
  const marketing: MemberDocument['consents']['marketing'] = {};
  for (const channel of MARKETING_CHANNELS) {
    const granted = given?.marketing?.[channel];
    if (granted !== undefined) marketing[channel] = record(granted);
  }
  const health = given?.healthData;
  return { marketing, healthData: health === undefined ? null : record(health) };
}

/** The stored member: phone and health encrypted, the phone's blind index beside them. */
export function newMemberDocument(
  member: NewMember,
  cipher: FieldCipher,
  now = new Date(),
): MemberDocument {
  return {
    _id: member.id as never,
    name: member.name.trim(),
    phoneEnc: cipher.encrypt(member.phone, PHONE_FIELD),
    phoneIndex: cipher.blindIndex(member.phone, PHONE_FIELD),
    channel: member.channel,
    homeStoreId: member.homeStoreId,
    gender: member.gender,
    birthDate: member.birthDate,
    email: member.email,
    ...profileDetailsOf(member.details ?? {}),
    referredBy: member.referredBy ?? null,
    registeredBy: member.registeredBy,
    registeredAt: member.registeredAt,
    updatedAt: now,
    consents: member.consents,
    healthEnc: member.health ? cipher.encrypt(JSON.stringify(member.health), HEALTH_FIELD) : null,
  };
}

/** `member.registered`, to be written in the same insert as the member (the outbox). */
export function memberRegisteredEntry(doc: MemberDocument): OutboxEntry {
  const memberId = String(doc._id);
  const payload: MemberRegisteredPayload = {
    memberId,
    channel: doc.channel,
    homeStoreId: doc.homeStoreId ?? undefined,
    registeredAt: doc.registeredAt.toISOString(),
    ...(doc.referredBy ? { referredBy: doc.referredBy } : {}),
  };
  return {
    topic: Topics.membersEvents,
    envelope: newEnvelope({ type: MEMBER_REGISTERED, source: 'members', key: memberId, payload }),
  };
}
