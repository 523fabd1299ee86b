import { PROFILE_DETAIL_FIELDS } from '@crm/contracts';
import type { MemberDocument } from './member.document';

/** Personal fields removed on erasure (the anonymous shell keeps ids, store, dates, figures). */
const PERSONAL_FIELDS = [
  'email',
  'birthDate',
  ...PROFILE_DETAIL_FIELDS,
  'pendingHistory',
  'legacyIds',
  'registeredBy',
] as const;

/**
 * The update that leaves a member document without personal data: name, phone and health
 * cleared, the other personal fields removed, and a phone index that is unique per member
 * but no longer any phone's (erasure and merge both leave such a shell).
 */
export function withoutPersonalData(
  memberId: string,
  why: 'erased' | 'merged',
  alsoRemove: string[] = [],
) {
  return {
    $set: { name: '', phoneEnc: '', phoneIndex: `${why}:${memberId}`, healthEnc: null },
    $unset: Object.fromEntries([...PERSONAL_FIELDS, ...alsoRemove].map((field) => [field, ''])),
  };
}

/** Ten-year bands ("60-69"), the granularity aggregates by age use. */
export function ageBand(birthDate: MemberDocument['birthDate'], at: Date): string | null {
  if (!birthDate) return null;
  const age = at.getUTCFullYear() - Number(birthDate.slice(0, 4));
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}
