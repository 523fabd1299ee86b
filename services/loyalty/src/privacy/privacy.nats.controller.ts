import { MessagePattern, Payload } from '@nestjs/microservices';
import { LoyaltyExportRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ExportMemberData } from './export-member-data.handler';

/** The data subject's right of access, for loyalty's part (erasure arrives on Kafka). */
@NatsController()
export class PrivacyNatsController {
  constructor(private readonly exportMemberData: ExportMemberData) {}

  @MessagePattern(Subjects.loyalty.export)
  export(@Payload() data: unknown) {
    return this.exportMemberData.execute(validatePayload(LoyaltyExportRequest, data));
  }
}
