import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApplyProviderEventCommand, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ApplyProviderEvent } from './apply-provider-event.handler';

@NatsController()
export class WebhooksNatsController {
  constructor(private readonly apply: ApplyProviderEvent) {}

  /** A provider callback whose signature the gateway verified. */
  @MessagePattern(Subjects.notifications.webhook)
  providerEvent(@Payload() data: unknown) {
    return this.apply.execute(validatePayload(ApplyProviderEventCommand, data));
  }
}
