import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  type CareTaskView,
  MemberCadenceRequest,
  type MemberCadenceView,
  MemberStoppedCommand,
  type ScheduledCadenceView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { MemberCadence } from './member-cadence.handler';

@NatsController()
export class CadenceNatsController {
  constructor(private readonly cadence: MemberCadence) {}

  @MessagePattern(Subjects.carePlans.cadence.get)
  async get(@Payload() data: unknown): Promise<MemberCadenceView> {
    const { plan: _plan, ...view } = await this.cadence.view(
      validatePayload(MemberCadenceRequest, data).memberId,
    );
    return view;
  }

  @MessagePattern(Subjects.carePlans.cadence.schedule)
  schedule(@Payload() data: unknown): Promise<ScheduledCadenceView> {
    return this.cadence.schedule(validatePayload(MemberCadenceRequest, data).memberId);
  }

  @MessagePattern(Subjects.carePlans.stopped)
  stopped(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CareTaskView> {
    return this.cadence.stopped(validatePayload(MemberStoppedCommand, data), actorOf(ctx));
  }
}
