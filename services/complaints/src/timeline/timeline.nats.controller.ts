import { MessagePattern, Payload } from '@nestjs/microservices';
import { MemberTimelineRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { MemberTimeline } from './member-timeline.handler';

@NatsController()
export class TimelineNatsController {
  constructor(private readonly timeline: MemberTimeline) {}

  @MessagePattern(Subjects.complaints.timeline)
  memberTimeline(@Payload() data: unknown) {
    return this.timeline.execute(validatePayload(MemberTimelineRequest, data));
  }
}
