import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  ComplaintTransitionCommand,
  GetComplaintRequest,
  ListComplaintsRequest,
  ReceiveComplaintCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { ReceiveComplaint } from '../intake/receive-complaint.handler';
import { TransitionComplaint } from './transition-complaint.handler';
import { GetComplaint } from '../lookup/get-complaint.handler';
import { ListComplaints } from '../lookup/list-complaints.handler';

@NatsController()
export class ComplaintsNatsController {
  constructor(
    private readonly receiveComplaint: ReceiveComplaint,
    private readonly transitionComplaint: TransitionComplaint,
    private readonly getComplaint: GetComplaint,
    private readonly listComplaints: ListComplaints,
  ) {}

  @MessagePattern(Subjects.complaints.receive)
  receive(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.receiveComplaint.execute(
      validatePayload(ReceiveComplaintCommand, data),
      actorOf(ctx),
    );
  }

  @MessagePattern(Subjects.complaints.transition)
  transition(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.transitionComplaint.execute(
      validatePayload(ComplaintTransitionCommand, data),
      actorOf(ctx),
    );
  }

  @MessagePattern(Subjects.complaints.get)
  get(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.getComplaint.execute(validatePayload(GetComplaintRequest, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.complaints.list)
  list(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.listComplaints.execute(validatePayload(ListComplaintsRequest, data), actorOf(ctx));
  }
}
