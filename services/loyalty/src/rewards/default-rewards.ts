import type { RewardFields } from '@crm/contracts';

/**
 * The catalogue the chain started with (formerly hard-coded): seeded into the `rewards`
 * collection when an id is missing, never over an admin's change.
 */
export const DEFAULT_REWARDS: readonly (RewardFields & { rewardId: string })[] = [
  { rewardId: 'COUPON-5', kind: 'coupon', name: '¥5 off any purchase', points: 500, active: true },
  {
    rewardId: 'COUPON-10',
    kind: 'coupon',
    name: '¥10 off a purchase of ¥100',
    points: 900,
    active: true,
  },
  {
    rewardId: 'GIFT-THERMOMETER',
    kind: 'gift',
    name: 'Digital thermometer',
    points: 2500,
    active: true,
  },
  {
    rewardId: 'GIFT-BP-CHECK',
    kind: 'gift',
    name: 'Blood pressure check at the store',
    points: 300,
    active: true,
  },
];
