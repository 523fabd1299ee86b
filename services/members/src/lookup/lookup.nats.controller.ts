import { MessagePattern, Payload } from '@nestjs/microservices';
import { NatsController } from '@crm/messaging';
import { GetMemberRequest, Subjects, validatePayload } from '@crm/contracts';
import { GetMember } from './get-member.handler';

@NatsController()
export class LookupNatsController {
  constructor(private readonly getMember: GetMember) {}

  @MessagePattern(Subjects.members.get)
  get(@Payload() data: unknown) {
    return this.getMember.execute(validatePayload(GetMemberRequest, data));
  }
}
