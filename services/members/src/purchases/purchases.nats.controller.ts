import { MessagePattern, Payload } from '@nestjs/microservices';
import { ListPurchasesRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ListPurchases } from './list-purchases.handler';

@NatsController()
export class PurchasesNatsController {
  constructor(private readonly listPurchases: ListPurchases) {}

  @MessagePattern(Subjects.members.purchases)
  list(@Payload() data: unknown) {
    return this.listPurchases.execute(validatePayload(ListPurchasesRequest, data));
  }
}
