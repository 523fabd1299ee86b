import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { type RewardList, RewardRequest, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { RewardCatalogue } from './reward-catalogue';
import { rewardView } from './reward-view';
import { SaveReward } from './save-reward.handler';

@NatsController()
export class RewardsNatsController {
  constructor(
    private readonly saveReward: SaveReward,
    private readonly catalogue: RewardCatalogue,
  ) {}

  @MessagePattern(Subjects.loyalty.rewards.create)
  create(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.saveReward.create(validatePayload(RewardRequest, data), actorOf(ctx)?.sub);
  }

  @MessagePattern(Subjects.loyalty.rewards.update)
  update(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.saveReward.update(validatePayload(RewardRequest, data), actorOf(ctx)?.sub);
  }

  @MessagePattern(Subjects.loyalty.rewards.list)
  async list(): Promise<RewardList> {
    await this.catalogue.refresh();
    return { items: this.catalogue.list().map(rewardView) };
  }
}
