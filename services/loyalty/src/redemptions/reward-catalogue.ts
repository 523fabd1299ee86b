/** What points buy: coupons and gifts, priced in points. */
export interface Reward {
  id: string;
  kind: 'coupon' | 'gift';
  name: string;
  points: number;
}

/**
 * The chain's reward catalogue. Kept as data here until the catalogue has its own admin API;
 * ids are what `POST /members/{id}/points/redemptions` names.
 */
export const REWARD_CATALOGUE: readonly Reward[] = [
  { id: 'COUPON-5', kind: 'coupon', name: '¥5 off any purchase', points: 500 },
  { id: 'COUPON-10', kind: 'coupon', name: '¥10 off a purchase of ¥100', points: 900 },
  { id: 'GIFT-THERMOMETER', kind: 'gift', name: 'Digital thermometer', points: 2500 },
  { id: 'GIFT-BP-CHECK', kind: 'gift', name: 'Blood pressure check at the store', points: 300 },
];

export function rewardById(id: string): Reward | undefined {
  return REWARD_CATALOGUE.find((reward) => reward.id === id);
}
