import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { PutSlaPoliciesCommand, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { SlaPolicies } from './sla-policies.handler';

@NatsController()
export class SlaPoliciesNatsController {
  constructor(private readonly policies: SlaPolicies) {}

  @MessagePattern(Subjects.complaints.slaPolicies.get)
  get(@Ctx() ctx: NatsContext) {
    return this.policies.get(actorOf(ctx));
  }

  @MessagePattern(Subjects.complaints.slaPolicies.put)
  put(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.policies.put(validatePayload(PutSlaPoliciesCommand, data), actorOf(ctx));
  }
}
