import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { AdjustPointsCommand, GetPointsRequest, Subjects, validatePayload } from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { AdjustPoints } from './adjust-points.handler';
import { GetPoints } from './get-points.handler';

@NatsController()
export class PointsNatsController {
  constructor(
    private readonly getPoints: GetPoints,
    private readonly adjustPoints: AdjustPoints,
  ) {}

  @MessagePattern(Subjects.loyalty.points)
  get(@Payload() data: unknown) {
    return this.getPoints.execute(validatePayload(GetPointsRequest, data));
  }

  @MessagePattern(Subjects.loyalty.adjust)
  adjust(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.adjustPoints.execute(validatePayload(AdjustPointsCommand, data), actorOf(ctx));
  }
}
