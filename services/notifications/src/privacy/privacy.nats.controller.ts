import { MessagePattern, Payload } from '@nestjs/microservices';
import { MemberPrivacyRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { MemberPrivacy } from './member-privacy';

@NatsController()
export class PrivacyNatsController {
  constructor(private readonly privacy: MemberPrivacy) {}

  /** The member's part of `GET /members/{id}/export`. */
  @MessagePattern(Subjects.notifications.export)
  export(@Payload() data: unknown) {
    return this.privacy.export(validatePayload(MemberPrivacyRequest, data).id);
  }
}
