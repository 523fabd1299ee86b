import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
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
  /** How often birthday coupons are issued to the members born this local month (and at start). */
  @IsInt() @Min(1000) @Max(86_400_000) BIRTHDAY_COUPONS_EVERY_MS: number = 3_600_000;
}
