import { IsIn, IsInt, IsISO8601, IsOptional, IsString } from 'class-validator';
import { TIERS, type Tier } from '../loyalty/tier.dto';

export const TIER_CHANGED = 'tier.changed';

/** Why a tier changed: spend reached a higher one (at once), or the yearly review set it. */
export const TIER_CHANGE_REASONS = ['spend', 'yearly-review'] as const;
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number];

/** Payload of `tier.changed` on loyalty.events.v1. */
export class TierChangedPayload {
  @IsString() memberId!: string;
  @IsIn(TIERS) from!: Tier;
  @IsIn(TIERS) to!: Tier;
  @IsISO8601() at!: string;
  /** Absent on raises by spend sent before reasons were added. */
  @IsOptional() @IsIn(TIER_CHANGE_REASONS) reason?: TierChangeReason;
  /** On a yearly review: the review year (`YYYY`) and the rolling spend it was decided on. */
  @IsOptional() @IsString() reviewYear?: string;
  @IsOptional() @IsInt() spend12mCents?: number;
}
