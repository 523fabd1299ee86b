import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { MemberPrivacyRequest, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { EraseMember } from './erase-member.handler';
import { ExportMember } from './export-member.handler';

/** The data subject's rights: a copy of their data, and its erasure. */
@NatsController()
export class PrivacyNatsController {
  constructor(
    private readonly exportMember: ExportMember,
    private readonly eraseMember: EraseMember,
  ) {}

  @MessagePattern(Subjects.members.export)
  export(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.exportMember.execute(validatePayload(MemberPrivacyRequest, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.members.erase)
  erase(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.eraseMember.execute(validatePayload(MemberPrivacyRequest, data), actorOf(ctx));
  }
}
