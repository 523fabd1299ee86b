import type { MemberGrade } from '@crm/contracts';
import type { MemberDocument } from '../members/member.document';

/** What the grade is computed from: repurchase, event attendance and referrals. */
export interface Relationship {
  lifetimePurchases: number;
  eventsAttended: number;
  referrals: number;
}

/**
 * The member grade by relationship depth (DOMAIN.md, 004): 0 new buyer; 20 (E) re-bought at
 * least once; 40 (D) attends member events; 60 (C) brings friends; 80 (B) refers actively
 * (3+ referrals); 100 (A) die-hard advocate (5+ referrals and 3+ events). Derived on read
 * from counters the events keep, so it is never stale and never needs a migration.
 */
export function memberGrade({
  lifetimePurchases,
  eventsAttended,
  referrals,
}: Relationship): MemberGrade {
  if (referrals >= 5 && eventsAttended >= 3) return 100;
  if (referrals >= 3) return 80;
  if (referrals >= 1) return 60;
  if (eventsAttended >= 1) return 40;
  if (lifetimePurchases >= 2) return 20;
  return 0;
}

export function relationshipOf(doc: Pick<MemberDocument, 'stats' | 'engagement'>): Relationship {
  const lifetimePurchases = Object.values(doc.stats?.months ?? {}).reduce(
    (sum, bucket) => sum + (bucket.count ?? 0),
    0,
  );
  return {
    lifetimePurchases,
    eventsAttended: doc.engagement?.eventIds?.length ?? 0,
    referrals: doc.engagement?.referredMemberIds?.length ?? 0,
  };
}
