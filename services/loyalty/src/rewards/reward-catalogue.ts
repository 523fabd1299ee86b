import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppError, ErrorCode } from '@crm/contracts';
import { type RewardDocument, RewardsRepository } from './rewards.repository';

/** How often another replica's change is picked up: a redemption reads memory, not the store. */
const REFRESH_MS = 5_000;

/** The reward catalogue in memory, refreshed from the `rewards` collection. */
@Injectable()
export class RewardCatalogue implements OnApplicationBootstrap, OnModuleDestroy {
  private rewards = new Map<string, RewardDocument>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: RewardsRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(RewardCatalogue.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'reward catalogue not refreshed; keeping the last one'),
      );
    }, REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const rewards = await this.repository.all();
    this.rewards = new Map(rewards.map((reward) => [reward._id, reward]));
  }

  list(): RewardDocument[] {
    return [...this.rewards.values()];
  }

  /** The reward a redemption may buy now, or the reason it may not (unknown, inactive, gone). */
  offered(id: string, quantity: number): RewardDocument {
    return offeredReward(this.rewards.get(id), id, quantity);
  }
}

/** Unknown is a bad request (400); known but not offered now is a conflict (409). */
export function offeredReward(
  reward: RewardDocument | undefined,
  id: string,
  quantity: number,
): RewardDocument {
  if (!reward)
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'Unknown reward', [
      { field: 'rewardId', reasons: ['must be a reward of the catalogue'] },
    ]);
  if (!reward.active)
    throw new AppError(ErrorCode.REWARD_UNAVAILABLE, `Reward ${id} is not offered now`, [
      { field: 'rewardId', reasons: ['is inactive in the catalogue'] },
    ]);
  if (reward.stock !== undefined && reward.stock < quantity) throw outOfStock(id, reward.stock);
  return reward;
}

export function outOfStock(id: string, left?: number): AppError {
  return new AppError(ErrorCode.REWARD_UNAVAILABLE, `Reward ${id} is out of stock`, [
    {
      field: 'quantity',
      reasons: [left === undefined ? 'more than are left' : `only ${left} left`],
    },
  ]);
}
