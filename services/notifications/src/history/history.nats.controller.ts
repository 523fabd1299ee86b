import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListMemberNotificationsRequest,
  MemberTimelineRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ListNotifications } from './list-notifications.handler';

@NatsController()
export class HistoryNatsController {
  constructor(private readonly list: ListNotifications) {}

  @MessagePattern(Subjects.notifications.list)
  notifications(@Payload() data: unknown) {
    return this.list.execute(validatePayload(ListMemberNotificationsRequest, data));
  }

  @MessagePattern(Subjects.notifications.timeline)
  timeline(@Payload() data: unknown) {
    return this.list.timeline(validatePayload(MemberTimelineRequest, data));
  }
}
