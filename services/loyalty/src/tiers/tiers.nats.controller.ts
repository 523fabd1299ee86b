import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetTierRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { GetTier } from './get-tier.handler';

@NatsController()
export class TiersNatsController {
  constructor(private readonly getTier: GetTier) {}

  @MessagePattern(Subjects.loyalty.tier)
  get(@Payload() data: unknown) {
    return this.getTier.execute(validatePayload(GetTierRequest, data));
  }
}
