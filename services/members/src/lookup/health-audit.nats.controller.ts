import { MessagePattern, Payload } from '@nestjs/microservices';
import { HealthAuditList, ListHealthAuditRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { HealthAuditRepository } from '../members/health-audit.repository';

/** Who read or changed a member's health details (the gateway lets only admins ask). */
@NatsController()
export class HealthAuditNatsController {
  constructor(private readonly audit: HealthAuditRepository) {}

  @MessagePattern(Subjects.members.healthAudit)
  async list(@Payload() data: unknown): Promise<HealthAuditList> {
    const request = validatePayload(ListHealthAuditRequest, data);
    const records = await this.audit.forMember(request.id);
    return {
      items: records.map(({ action, fields, purpose, actor, roles, storeId, at }) => ({
        action,
        fields,
        purpose,
        actor,
        roles,
        storeId,
        at: at.toISOString(),
      })),
    };
  }
}
