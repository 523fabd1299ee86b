import { MessagePattern, Payload } from '@nestjs/microservices';
import { SendNotificationCommand, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { SendNotification } from './send-notification.handler';

@NatsController()
export class SendingNatsController {
  constructor(private readonly sendNotification: SendNotification) {}

  /** CONTRACTS.md §6: care-plans, complaints and others ask for messages here. */
  @MessagePattern(Subjects.notifications.send)
  send(@Payload() data: unknown) {
    return this.sendNotification.execute(validatePayload(SendNotificationCommand, data));
  }
}
