import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@crm/config';

export class LoyaltyConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_loyalty';

  /** Points per yuan spent, before multipliers. */
  @IsInt() @Min(0) @Max(100) POINTS_PER_YUAN: number = 1;
  /** Whether prescription items earn points (by default they do not). */
  @IsIn(['true', 'false'], { message: 'POINTS_RX_EARNS must be true or false' })
  POINTS_RX_EARNS: 'true' | 'false' = 'false';
  /** The monthly member day (day of the month, chain's local time) and its points multiplier. */
  @IsInt() @Min(1) @Max(28) MEMBER_DAY_OF_MONTH: number = 8;
  @IsInt() @Min(1) @Max(10) MEMBER_DAY_MULTIPLIER: number = 2;
  /** Days after a sale before its points may be spent (the return window). */
  @IsInt() @Min(0) @Max(90) POINTS_RETURN_WINDOW_DAYS: number = 7;
  /** Days points live: they expire at the end of the local month this many days after earning. */
  @IsInt() @Min(30) @Max(3650) POINTS_LIFETIME_DAYS: number = 365;
  /** The chain's local time as minutes east of UTC (China: 480). */
  @IsInt() @Min(-720) @Max(840) CHAIN_UTC_OFFSET_MINUTES: number = 480;
  /** One-off bonuses (points): a completed online profile, an answered survey, a useful suggestion. */
  @IsInt() @Min(0) @Max(100_000) BONUS_PROFILE_POINTS: number = 200;
  @IsInt() @Min(0) @Max(100_000) BONUS_SURVEY_POINTS: number = 50;
  @IsInt() @Min(0) @Max(100_000) BONUS_SUGGESTION_POINTS: number = 100;
  /** The yearly tier review's date (`MM-DD`, chain's local calendar): tiers go down only then. */
  @Matches(
    /^(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))$/,
    {
      message: 'TIER_REVIEW_MONTH_DAY must be a date every year has, as MM-DD (e.g. 01-01)',
    },
  )
  TIER_REVIEW_MONTH_DAY: string = '01-01';
  /**
   * Longest a counted purchase's account and tier change waits in memory, while loyalty is
   * behind, before it is written (caught up, it is written within a second).
   */
  @IsInt() @Min(1000) @Max(600_000) POINTS_SETTLE_EVERY_MS: number = 60_000;
  /** How often birthday coupons are issued to the members born this local month (and at start). */
  @IsInt() @Min(1000) @Max(86_400_000) BIRTHDAY_COUPONS_EVERY_MS: number = 3_600_000;
}
