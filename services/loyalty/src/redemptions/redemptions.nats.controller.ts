import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { RedeemPointsCommand, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { RedeemPoints } from './redeem-points.handler';

@NatsController()
export class RedemptionsNatsController {
  constructor(private readonly redeemPoints: RedeemPoints) {}

  @MessagePattern(Subjects.loyalty.redeem)
  redeem(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.redeemPoints.execute(validatePayload(RedeemPointsCommand, data), actorOf(ctx));
  }
}
