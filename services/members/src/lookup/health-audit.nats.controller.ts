import { MessagePattern, Payload } from '@nestjs/microservices';
import { HealthAuditList, ListHealthAuditRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { HealthAuditRepository, toHealthAuditView } from '../members/health-audit.repository';

/** Who read or changed a member's health details (the gateway lets only admins ask). */
@NatsController()
export class HealthAuditNatsController {
  constructor(private readonly audit: HealthAuditRepository) {}

  @MessagePattern(Subjects.members.healthAudit)
  async list(@Payload() data: unknown): Promise<HealthAuditList> {
    const request = validatePayload(ListHealthAuditRequest, data);
    return { items: (await this.audit.forMember(request.id)).map(toHealthAuditView) };
  }
}
