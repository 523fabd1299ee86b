import type { BonusKind } from '@crm/contracts';
import type { LoyaltyConfig } from '../loyalty.config';

export const BONUS_AMOUNTS = Symbol('BONUS_AMOUNTS');

/** Points per bonus kind, from the BONUS_*_POINTS settings (validated at start-up). */
export type BonusAmounts = Readonly<Record<BonusKind, number>>;

export function bonusAmounts(config: LoyaltyConfig): BonusAmounts {
  return {
    profile: config.BONUS_PROFILE_POINTS,
    survey: config.BONUS_SURVEY_POINTS,
    suggestion: config.BONUS_SUGGESTION_POINTS,
  };
}

/**
 * The ledger entry id that makes a bonus once: the profile once per member ever, a survey or a
 * suggestion once per its reference (and member).
 */
export function bonusEntryId(kind: BonusKind, memberId: string, reference?: string): string {
  return kind === 'profile'
    ? `bonus:profile:${memberId}`
    : `bonus:${kind}:${memberId}:${reference}`;
}

const WHAT_FOR: Record<BonusKind, string> = {
  profile: 'Online profile completed',
  survey: 'Survey answered',
  suggestion: 'Useful suggestion',
};

/** The entry's reason: what the bonus was for, with its reference. */
export function bonusReason(kind: BonusKind, reference?: string): string {
  return reference ? `${WHAT_FOR[kind]} (${reference})` : WHAT_FOR[kind];
}
