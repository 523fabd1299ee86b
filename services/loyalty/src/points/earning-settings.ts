import type { LoyaltyConfig } from '../loyalty.config';
import { localMonth } from '../tiers/rolling-spend';
import type { EarningSettings } from './earning';

export const EARNING_SETTINGS = Symbol('EARNING_SETTINGS');

/** The settings from configuration; the default rule holds until an admin stores one. */
export function earningSettings(config: LoyaltyConfig): EarningSettings {
  return {
    defaultRule: {
      effectiveFrom: new Date(0),
      pointsPerYuan: config.POINTS_PER_YUAN,
      rxEarns: config.POINTS_RX_EARNS === 'true',
      excludedCategories: [],
      multipliers: [],
      minimumOrderCents: 0,
      memberDay: {
        dayOfMonth: config.MEMBER_DAY_OF_MONTH,
        multiplier: config.MEMBER_DAY_MULTIPLIER,
      },
    },
    utcOffsetMinutes: config.CHAIN_UTC_OFFSET_MINUTES,
    returnWindowDays: config.POINTS_RETURN_WINDOW_DAYS,
    lifetimeDays: config.POINTS_LIFETIME_DAYS,
  };
}

/** The local month at whose end points credited at `at` expire. */
export function expiryMonth(at: Date, settings: EarningSettings): string {
  return localMonth(
    new Date(at.getTime() + settings.lifetimeDays * 86_400_000),
    settings.utcOffsetMinutes,
  );
}
