import type { Tier } from '@crm/contracts';
import type { LoyaltyConfig } from '../loyalty.config';
import { monthsInWindow, spendIn } from './rolling-spend';
import { tierForSpend } from './tier-table';

export const TIER_REVIEW_SETTINGS = Symbol('TIER_REVIEW_SETTINGS');

export interface TierReviewSettings {
  /** `MM-DD` on the chain's local calendar (TIER_REVIEW_MONTH_DAY). */
  monthDay: string;
  utcOffsetMinutes: number;
}

export function tierReviewSettings(config: LoyaltyConfig): TierReviewSettings {
  return {
    monthDay: config.TIER_REVIEW_MONTH_DAY,
    utcOffsetMinutes: config.CHAIN_UTC_OFFSET_MINUTES,
  };
}

/**
 * How long after the review date members not yet reviewed still are (a replica that was down
 * catches up). Past it a member first seen since waits for next year's review: a tier is never
 * lowered in the middle of a year.
 */
export const REVIEW_CATCH_UP_DAYS = 28;

/** The local midnight that starts `year`'s review, as an instant. */
export function reviewStartOf(year: number, settings: TierReviewSettings): Date {
  const [month, day] = settings.monthDay.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1, day) - settings.utcOffsetMinutes * 60_000);
}

/** The review under way at `now` (`YYYY`), or null between reviews. */
export function reviewUnderWay(now: Date, settings: TierReviewSettings): string | null {
  const localYear = new Date(now.getTime() + settings.utcOffsetMinutes * 60_000).getUTCFullYear();
  // A review dated late in December catches up into January.
  for (const year of [localYear, localYear - 1]) {
    const start = reviewStartOf(year, settings).getTime();
    if (now.getTime() >= start && now.getTime() < start + REVIEW_CATCH_UP_DAYS * 86_400_000)
      return String(year);
  }
  return null;
}

export interface TierReviewDecision {
  to: Tier;
  /** The rolling 12-month spend the tier was decided on, cents. */
  spendCents: number;
}

/**
 * The tier the review sets: what the rolling 12-month spend earns now, down as well as up.
 * Null when the member was already reviewed for `year`.
 */
export function reviewedTier(
  held: { months: Record<string, { cents: number }>; reviewedFor?: string },
  year: string,
  now: Date,
  utcOffsetMinutes: number,
): TierReviewDecision | null {
  if (held.reviewedFor === year) return null;
  const spendCents = spendIn(held.months, monthsInWindow(now, utcOffsetMinutes));
  return { to: tierForSpend(spendCents), spendCents };
}
