import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  ListMemberHistoryRequest,
  Subjects,
  UpdateMemberCommand,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { ListMemberHistory } from './list-history.handler';
import { UpdateMember } from './update-member.handler';

@NatsController()
export class ProfileNatsController {
  constructor(
    private readonly updateMember: UpdateMember,
    private readonly listHistory: ListMemberHistory,
  ) {}

  @MessagePattern(Subjects.members.update)
  update(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.updateMember.execute(validatePayload(UpdateMemberCommand, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.members.history)
  history(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.listHistory.execute(validatePayload(ListMemberHistoryRequest, data), actorOf(ctx));
  }
}
