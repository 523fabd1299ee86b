import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { RegisterMemberRequest, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { RegisterMember } from './register-member.handler';

@NatsController()
export class RegistrationNatsController {
  constructor(private readonly registerMember: RegisterMember) {}

  @MessagePattern(Subjects.members.register)
  register(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.registerMember.execute(validatePayload(RegisterMemberRequest, data), actorOf(ctx));
  }
}
