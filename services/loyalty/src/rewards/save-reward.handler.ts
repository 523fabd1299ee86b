import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type RewardRequest, type RewardView } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { RewardCatalogue } from './reward-catalogue';
import { RewardsRepository } from './rewards.repository';
import { rewardView } from './reward-view';

/**
 * An admin adds a reward (`create`) or replaces one's offer (`update`); this replica's
 * catalogue is refreshed at once, the others' within seconds.
 */
@Injectable()
export class SaveReward {
  constructor(
    private readonly repository: RewardsRepository,
    private readonly catalogue: RewardCatalogue,
  ) {}

  create({ rewardId, ...fields }: RewardRequest, staffId: string | undefined): Promise<RewardView> {
    return inSpan('loyalty.rewards.create', async () => {
      if (!(await this.repository.insert(rewardId, fields, new Date(), staffId)))
        throw new AppError(
          ErrorCode.REWARD_EXISTS,
          `Reward ${rewardId} exists; update it instead`,
          [{ field: 'rewardId', reasons: ['is already in the catalogue'] }],
        );
      return this.refreshed(rewardId);
    });
  }

  update({ rewardId, ...fields }: RewardRequest, staffId: string | undefined): Promise<RewardView> {
    return inSpan('loyalty.rewards.update', async () => {
      if (!(await this.repository.replace(rewardId, fields, new Date(), staffId)))
        throw new AppError(ErrorCode.NOT_FOUND, `No reward ${rewardId} in the catalogue`);
      return this.refreshed(rewardId);
    });
  }

  private async refreshed(rewardId: string): Promise<RewardView> {
    await this.catalogue.refresh();
    return rewardView((await this.repository.find(rewardId))!);
  }
}
