import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetPointsRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { GetPoints } from './get-points.handler';

@NatsController()
export class PointsNatsController {
  constructor(private readonly getPoints: GetPoints) {}

  @MessagePattern(Subjects.loyalty.points)
  get(@Payload() data: unknown) {
    return this.getPoints.execute(validatePayload(GetPointsRequest, data));
  }
}
