import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { AdherenceRequest, type AdherenceView, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { MemberAdherence } from './member-adherence.handler';

@NatsController()
export class AdherenceNatsController {
  constructor(private readonly adherence: MemberAdherence) {}

  @MessagePattern(Subjects.carePlans.adherence)
  get(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<AdherenceView> {
    return this.adherence.execute(validatePayload(AdherenceRequest, data), actorOf(ctx));
  }
}
