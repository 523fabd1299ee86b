import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  ChangeCarePlanCommand,
  type CarePlanList,
  type CarePlanView,
  EnrolCarePlanCommand,
  MemberCarePlansRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { toCarePlanView } from './care-plan.mapper';
import { ChangeCarePlan } from './change-care-plan.handler';
import { EnrolCarePlan } from './enrol-care-plan.handler';
import { PlansRepository } from './plans.repository';

@NatsController()
export class PlansNatsController {
  constructor(
    private readonly enrolCarePlan: EnrolCarePlan,
    private readonly changeCarePlan: ChangeCarePlan,
    private readonly plans: PlansRepository,
  ) {}

  @MessagePattern(Subjects.carePlans.plans.enrol)
  async enrol(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CarePlanView> {
    const command = validatePayload(EnrolCarePlanCommand, data);
    return toCarePlanView(await this.enrolCarePlan.execute(command, actorOf(ctx)));
  }

  @MessagePattern(Subjects.carePlans.plans.change)
  async change(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CarePlanView> {
    const command = validatePayload(ChangeCarePlanCommand, data);
    return toCarePlanView(await this.changeCarePlan.execute(command, actorOf(ctx)));
  }

  @MessagePattern(Subjects.carePlans.plans.list)
  async list(@Payload() data: unknown): Promise<CarePlanList> {
    const { memberId } = validatePayload(MemberCarePlansRequest, data);
    return { items: (await this.plans.ofMember(memberId)).map(toCarePlanView) };
  }
}
