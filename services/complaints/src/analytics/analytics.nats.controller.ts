import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  ComplaintAnalyticsRequest,
  CreateImprovementActionCommand,
  ListImprovementActionsRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { ImprovementActions } from '../improvement/improvement-actions.handler';
import { AnalyseComplaints } from './analyse-complaints.handler';

@NatsController()
export class AnalyticsNatsController {
  constructor(
    private readonly analyse: AnalyseComplaints,
    private readonly improvements: ImprovementActions,
  ) {}

  @MessagePattern(Subjects.complaints.analytics)
  analytics(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.analyse.execute(validatePayload(ComplaintAnalyticsRequest, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.complaints.improvementActions.create)
  createAction(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.improvements.create(
      validatePayload(CreateImprovementActionCommand, data),
      actorOf(ctx),
    );
  }

  @MessagePattern(Subjects.complaints.improvementActions.list)
  listActions(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.improvements.list(
      validatePayload(ListImprovementActionsRequest, data),
      actorOf(ctx),
    );
  }
}
