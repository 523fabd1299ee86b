import { IsIn, IsISO8601, IsString } from 'class-validator';
import { TIERS, type Tier } from '../loyalty/tier.dto';

export const TIER_CHANGED = 'tier.changed';

/** Payload of `tier.changed` on loyalty.events.v1. */
export class TierChangedPayload {
  @IsString() memberId!: string;
  @IsIn(TIERS) from!: Tier;
  @IsIn(TIERS) to!: Tier;
  @IsISO8601() at!: string;
}
