import { MessagePattern, Payload } from '@nestjs/microservices';
import { MemberPrivacyRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ExportComplaints } from './export-complaints.handler';

@NatsController()
export class PrivacyNatsController {
  constructor(private readonly exportComplaints: ExportComplaints) {}

  @MessagePattern(Subjects.complaints.export)
  export(@Payload() data: unknown) {
    return this.exportComplaints.execute(validatePayload(MemberPrivacyRequest, data));
  }
}
