import type {
  ConsentsView,
  HealthProfile,
  MemberView,
  ProfileDetails,
  ProfileDetailsView,
} from '@crm/contracts';
import type { FieldCipher } from '@crm/crypto';
import { memberGrade, relationshipOf } from '../grade/member-grade';
import { summarize } from '../purchases/purchase-stats';
import type { ConsentRecord, MemberDocument } from './member.document';
import { HEALTH_FIELD, PHONE_FIELD } from './member-crypto';

/**
 * Allow-list of what a member view shows: a field added to the document stays inside until
 * added here. Health details are decrypted only when `showHealth` (the caller's role allows it).
 */
export function toMemberView(
  doc: MemberDocument,
  cipher: FieldCipher,
  showHealth: boolean,
): MemberView {
  const hasHealth = doc.healthEnc !== null && doc.healthEnc !== undefined;
  return {
    id: String(doc._id),
    name: doc.name,
    phone: cipher.decrypt(doc.phoneEnc, PHONE_FIELD),
    channel: doc.channel,
    homeStoreId: doc.homeStoreId,
    gender: doc.gender,
    birthDate: doc.birthDate,
    email: doc.email,
    ...profileDetailsOf(doc),
    registeredAt: doc.registeredAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    purchaseSummary: summarize(doc.stats),
    grade: memberGrade(relationshipOf(doc)),
    relationship: relationshipOf(doc),
    consents: consentsView(doc.consents),
    health:
      hasHealth && showHealth
        ? (JSON.parse(cipher.decrypt(doc.healthEnc!, HEALTH_FIELD)) as HealthProfile)
        : null,
    healthMasked: hasHealth && !showHealth,
  };
}

function consentsView(consents: MemberDocument['consents'] | undefined): ConsentsView {
  const view = (record: ConsentRecord) => ({ ...record, at: record.at.toISOString() });
  return {
    marketing: Object.fromEntries(
      Object.entries(consents?.marketing ?? {}).map(([channel, record]) => [channel, view(record)]),
    ),
    healthData: consents?.healthData ? view(consents.healthData) : null,
  };
}

/** The optional profile fields, null when not given (documents from before they existed too). */
export function profileDetailsOf(doc: {
  [K in keyof ProfileDetails]?: ProfileDetails[K] | null;
}): ProfileDetailsView {
  return {
    landline: doc.landline ?? null,
    address: doc.address ?? null,
    wechatOpenId: doc.wechatOpenId ?? null,
    education: doc.education ?? null,
    incomeBand: doc.incomeBand ?? null,
    maritalStatus: doc.maritalStatus ?? null,
    employer: doc.employer ?? null,
    jobTitle: doc.jobTitle ?? null,
    lifestyle: doc.lifestyle ?? null,
  };
}
