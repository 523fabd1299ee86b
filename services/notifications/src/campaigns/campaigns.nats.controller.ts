import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  CampaignIdRequest,
  CreateCampaignCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { Campaigns } from './campaigns.service';

/** `POST /campaigns`, `GET /campaigns/{id}`, `POST /campaigns/{id}/cancel` from the gateway. */
@NatsController()
export class CampaignsNatsController {
  constructor(private readonly campaigns: Campaigns) {}

  @MessagePattern(Subjects.notifications.campaigns.create)
  create(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.campaigns.create(validatePayload(CreateCampaignCommand, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.notifications.campaigns.get)
  get(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.campaigns.get(validatePayload(CampaignIdRequest, data).id, actorOf(ctx));
  }

  @MessagePattern(Subjects.notifications.campaigns.cancel)
  cancel(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.campaigns.cancel(validatePayload(CampaignIdRequest, data).id, actorOf(ctx));
  }
}
