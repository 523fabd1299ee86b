import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { GrantBonusCommand, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { GrantBonus } from './grant-bonus.handler';

@NatsController()
export class BonusesNatsController {
  constructor(private readonly grantBonus: GrantBonus) {}

  @MessagePattern(Subjects.loyalty.bonus)
  grant(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.grantBonus.execute(validatePayload(GrantBonusCommand, data), actorOf(ctx));
  }
}
