import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { MergeMembersCommand, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { MergeMembers } from './merge-members.handler';

@NatsController()
export class MergeNatsController {
  constructor(private readonly mergeMembers: MergeMembers) {}

  @MessagePattern(Subjects.members.merge)
  merge(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.mergeMembers.execute(validatePayload(MergeMembersCommand, data), actorOf(ctx));
  }
}
