import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CarePlansExportRequest,
  MemberTimelineRequest,
  type MemberTimelinePage,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { MemberTimeline } from '../timeline/member-timeline.handler';
import { ExportCareData } from './export-care-data.handler';

/** The member's export part and timeline part. */
@NatsController()
export class PrivacyNatsController {
  constructor(
    private readonly exportCareData: ExportCareData,
    private readonly timeline: MemberTimeline,
  ) {}

  @MessagePattern(Subjects.carePlans.export)
  export(@Payload() data: unknown) {
    return this.exportCareData.execute(validatePayload(CarePlansExportRequest, data).id);
  }

  @MessagePattern(Subjects.carePlans.timeline)
  memberTimeline(@Payload() data: unknown): Promise<MemberTimelinePage> {
    return this.timeline.execute(validatePayload(MemberTimelineRequest, data));
  }
}
