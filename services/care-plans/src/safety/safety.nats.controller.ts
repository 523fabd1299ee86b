import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  SafetyCheckCommand,
  type SafetyCheckResult,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { CheckProductSafety } from './safety-check.handler';

@NatsController()
export class SafetyNatsController {
  constructor(private readonly check: CheckProductSafety) {}

  @MessagePattern(Subjects.carePlans.safetyCheck)
  safetyCheck(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<SafetyCheckResult> {
    return this.check.execute(validatePayload(SafetyCheckCommand, data), actorOf(ctx));
  }
}
