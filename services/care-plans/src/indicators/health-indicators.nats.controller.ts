import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  AppError,
  ErrorCode,
  type HealthIndicatorList,
  type HealthIndicatorReadingView,
  ListHealthIndicatorsRequest,
  maySeeHealth,
  RecordHealthIndicatorsCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { actorOf, NatsController } from '@crm/messaging';
import { CareHealthAuditRepository } from './health-audit.repository';
import { HealthIndicatorsRepository } from './health-indicators.repository';
import { toReadingView } from './health-reading.mapper';
import { RecordHealthIndicators } from './record-health-indicators.handler';

/** A member's health readings: written and read by the health roles only, every access audited. */
@NatsController()
export class HealthIndicatorsNatsController {
  constructor(
    private readonly record: RecordHealthIndicators,
    private readonly readings: HealthIndicatorsRepository,
    private readonly audit: CareHealthAuditRepository,
    private readonly cipher: FieldCipher,
  ) {}

  @MessagePattern(Subjects.carePlans.indicators.record)
  recordReadings(
    @Payload() data: unknown,
    @Ctx() ctx: NatsContext,
  ): Promise<HealthIndicatorReadingView> {
    return this.record.execute(validatePayload(RecordHealthIndicatorsCommand, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.carePlans.indicators.list)
  async list(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<HealthIndicatorList> {
    const request = validatePayload(ListHealthIndicatorsRequest, data);
    const actor = actorOf(ctx);
    if (!actor || !maySeeHealth(actor.roles))
      throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Health readings are for the health roles');
    const docs = await this.readings.ofMember(request.memberId, request.limit ?? 50);
    await this.audit.record(request.memberId, 'read', 'health-indicators.list', actor);
    return { items: docs.map((doc) => toReadingView(doc, this.cipher)) };
  }
}
