import type { Tier, TierBenefitsView } from '@crm/contracts';

export interface TierLevel {
  tier: Tier;
  /** Rolling 12-month spend that reaches the tier, integer cents. */
  fromCents: number;
  benefits: TierBenefitsView;
}

/**
 * The chain's tiers, lowest first, as data: thresholds and benefits (DOMAIN.md: VIPs get
 * exclusive discounts and a one-to-one health adviser).
 */
export const TIER_TABLE: readonly TierLevel[] = [
  {
    tier: 'regular',
    fromCents: 0,
    benefits: { pointsMultiplier: 1, memberPrices: false, healthAdviser: false },
  },
  {
    tier: 'silver',
    fromCents: 200_000,
    benefits: { pointsMultiplier: 1.2, memberPrices: true, healthAdviser: false },
  },
  {
    tier: 'gold',
    fromCents: 800_000,
    benefits: { pointsMultiplier: 1.5, memberPrices: true, healthAdviser: true },
  },
];

export function levelOf(tier: Tier): TierLevel {
  return TIER_TABLE.find((level) => level.tier === tier)!;
}

/** The highest tier the spend reaches. */
export function tierForSpend(spendCents: number): Tier {
  return TIER_TABLE.filter((level) => spendCents >= level.fromCents).at(-1)!.tier;
}

/** Tiers only go up between yearly reviews: the higher of the held and the reached one. */
export function tierAfterSpend(held: Tier, spendCents: number): Tier {
  const reached = tierForSpend(spendCents);
  return rank(reached) > rank(held) ? reached : held;
}

export function higher(a: Tier, b: Tier): Tier {
  return rank(a) >= rank(b) ? a : b;
}

/** The next tier above `tier` and what is left to spend for it, or null at the top. */
export function progressFrom(tier: Tier, spendCents: number) {
  const next = TIER_TABLE[rank(tier) + 1];
  if (!next) return null;
  return {
    tier: next.tier,
    thresholdCents: next.fromCents,
    remainingCents: Math.max(0, next.fromCents - spendCents),
  };
}

const rank = (tier: Tier) => TIER_TABLE.findIndex((level) => level.tier === tier);
