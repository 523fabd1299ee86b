import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  aggregatesOnly,
  AppError,
  ErrorCode,
  type MemberAnalytics,
  MemberAnalyticsRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MembersConfig } from '../members.config';
import { MemberRepository } from '../members/member.repository';
import {
  ANALYTICS_PROJECTION,
  MemberAnalyticsAccumulator,
  monthsBetween,
} from './member-analytics';
import { publishFigures } from './small-counts';

/** Longest period one request may span. */
const MAX_MONTHS = 24;

/**
 * Aggregates only (the gateway enforces who asks). For roles that see nothing but aggregates
 * (hq_analyst) small counts are withheld here, where the figures are made (small-counts.ts).
 */
@NatsController()
export class AnalyticsNatsController {
  constructor(
    private readonly members: MemberRepository,
    private readonly config: MembersConfig,
  ) {}

  @MessagePattern(Subjects.members.analytics)
  analytics(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<MemberAnalytics> {
    const request = validatePayload(MemberAnalyticsRequest, data);
    const minGroupSize = aggregatesOnly(actorOf(ctx)?.roles) ? this.config.MIN_GROUP_SIZE : null;
    const months = monthsBetween(request.from, request.to).length;
    if (months === 0 || months > MAX_MONTHS)
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Invalid period', [
        {
          field: 'to',
          reasons: [`to must be from or later, at most ${MAX_MONTHS} months after it`],
        },
      ]);
    return inSpan('members.analytics', async () => {
      const accumulator = new MemberAnalyticsAccumulator(request);
      const filter = request.storeId ? { homeStoreId: request.storeId } : {};
      // One streamed pass with only the fields needed; erased members count as anonymous shells.
      for await (const member of this.members.collection.find(filter as never, {
        projection: ANALYTICS_PROJECTION,
        batchSize: 2000,
      }))
        accumulator.add(member as never);
      return {
        period: { from: request.from, to: request.to },
        storeId: request.storeId ?? null,
        by: request.by ?? null,
        ...publishFigures(accumulator.result(), minGroupSize),
        minGroupSize,
        computedAt: new Date().toISOString(),
      };
    });
  }
}
