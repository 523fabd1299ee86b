import type { RewardView } from '@crm/contracts';
import type { RewardDocument } from './rewards.repository';

/** The allow-listed view of a stored reward. */
export function rewardView(reward: RewardDocument): RewardView {
  return {
    rewardId: reward._id,
    kind: reward.kind,
    name: reward.name,
    points: reward.points,
    active: reward.active,
    ...(reward.stock !== undefined ? { stock: reward.stock } : {}),
    updatedAt: reward.updatedAt.toISOString(),
    ...(reward.updatedBy ? { updatedBy: reward.updatedBy } : {}),
  };
}
