import { offeredReward } from './reward-catalogue';
import type { RewardDocument } from './rewards.repository';

const at = new Date('2026-11-22T00:00:00Z');
const reward = (fields: Partial<RewardDocument>): RewardDocument => ({
  _id: 'GIFT-UMBRELLA',
  kind: 'gift',
  name: 'Umbrella',
  points: 800,
  active: true,
  createdAt: at,
  updatedAt: at,
  ...fields,
});

const refusal = (run: () => unknown) => {
  try {
    run();
    return null;
  } catch (error) {
    const { code, details } = error as { code: string; details: { field: string }[] };
    return { code, field: details[0]?.field };
  }
};

describe('what a redemption may buy', () => {
  it('offers an active reward, within its stock if it has one', () => {
    expect(offeredReward(reward({}), 'GIFT-UMBRELLA', 5)._id).toBe('GIFT-UMBRELLA');
    expect(offeredReward(reward({ stock: 2 }), 'GIFT-UMBRELLA', 2).points).toBe(800);
  });

  it('refuses an unknown reward as a bad request, an inactive or sold-out one as a conflict', () => {
    expect(refusal(() => offeredReward(undefined, 'NOPE', 1))).toEqual({
      code: 'VALIDATION.FAILED',
      field: 'rewardId',
    });
    expect(refusal(() => offeredReward(reward({ active: false }), 'GIFT-UMBRELLA', 1))).toEqual({
      code: 'REWARD.UNAVAILABLE',
      field: 'rewardId',
    });
    expect(refusal(() => offeredReward(reward({ stock: 1 }), 'GIFT-UMBRELLA', 2))).toEqual({
      code: 'REWARD.UNAVAILABLE',
      field: 'quantity',
    });
  });
});
