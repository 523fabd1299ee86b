import {
  ALLERGENS,
  DISEASE_GROUPS,
  type HealthProfile,
  type MarketingChannel,
} from '@crm/contracts';
import type { FieldCipher } from '@crm/crypto';
import { memberGrade, relationshipOf } from '../grade/member-grade';
import { HEALTH_FIELD } from '../members/member-crypto';
import type { MemberDocument } from '../members/member.document';
import { summarize } from '../purchases/purchase-stats';
import type { SegmentMember } from './segment-index';

/** What the index reads of a member: no name or phone, and never the applied-transaction list. */
export const SEGMENT_PROJECTION = {
  birthDate: 1,
  gender: 1,
  'address.region': 1,
  homeStoreId: 1,
  healthEnc: 1,
  consents: 1,
  engagement: 1,
  erasedAt: 1,
  'stats.months': 1,
  'stats.firstPurchaseAt': 1,
  'stats.lastPurchaseAt': 1,
  'stats.categories': 1,
} as const;

export type SegmentSource = Pick<
  MemberDocument,
  | '_id'
  | 'birthDate'
  | 'gender'
  | 'address'
  | 'homeStoreId'
  | 'healthEnc'
  | 'consents'
  | 'engagement'
  | 'erasedAt'
  | 'stats'
>;

/**
 * A member's segment attributes; null for an erased member (it leaves every segment). Health
 * codes count only while the member's health-data consent stands.
 */
export function toSegmentMember(
  doc: SegmentSource,
  cipher: FieldCipher,
  now = new Date(),
): SegmentMember | null {
  if (doc.erasedAt) return null;
  const healthConsent = doc.consents?.healthData?.granted === true;
  const health: HealthProfile =
    healthConsent && doc.healthEnc
      ? (JSON.parse(cipher.decrypt(doc.healthEnc, HEALTH_FIELD)) as HealthProfile)
      : {};
  const summary = summarize(doc.stats, now);
  return {
    memberId: String(doc._id),
    // Only a calendar date counts (older records may hold other forms).
    birthDate: /^\d{4}-\d{2}-\d{2}$/.test(doc.birthDate ?? '') ? doc.birthDate : null,
    gender: doc.gender ?? null,
    region: doc.address?.region ?? null,
    homeStoreId: doc.homeStoreId ?? null,
    // Codes only (free text is never matched); values stored before codes existed are skipped.
    diseaseGroups: codes(
      health.conditions?.map((c) => c?.group),
      DISEASE_GROUPS,
    ),
    allergies: codes(
      health.allergies?.map((a) => a?.allergen),
      ALLERGENS,
    ),
    medicationAtc: [...new Set((health.medications ?? []).flatMap((m) => (m?.atc ? [m.atc] : [])))],
    lastPurchaseAt: doc.stats?.lastPurchaseAt ?? null,
    purchases12m: summary.purchases12m,
    spend12mCents: summary.spend12mCents,
    averageTicket12mCents: summary.averageTicket12mCents,
    categories: summary.categories,
    grade: memberGrade(relationshipOf(doc)),
    marketingChannels: Object.entries(doc.consents?.marketing ?? {})
      .filter(([, record]) => record?.granted)
      .map(([channel]) => channel as MarketingChannel),
    healthDataConsent: healthConsent,
  };
}

function codes<T extends string>(values: unknown[] | undefined, allowed: readonly T[]): T[] {
  return [...new Set((values ?? []).filter((v): v is T => allowed.includes(v as T)))];
}
