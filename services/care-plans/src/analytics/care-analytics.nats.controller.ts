import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  AppError,
  CareAnalyticsRequest,
  type CareAnalyticsView,
  ErrorCode,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { careFigures, type TaskFigures } from './care-figures';

const DAY_MS = 86_400_000;
const MAX_PERIOD_DAYS = 397; // 13 months
/** Roles that see every store's figures; anyone else sees their own store's. */
const CHAIN_WIDE = ['hq_analyst', 'admin', 'desk_agent'];

/** Worklist figures by store or staff over the tasks due in a period. */
@NatsController()
export class CareAnalyticsNatsController {
  constructor(private readonly tasks: CareTasksRepository) {}

  @MessagePattern(Subjects.carePlans.analytics)
  async figures(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CareAnalyticsView> {
    const request = validatePayload(CareAnalyticsRequest, data);
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (from > to || to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The period is not valid', [
        { field: 'from', reasons: ['from must be before to, and at most 13 months before it'] },
      ]);
    const actor = actorOf(ctx);
    const ownStoreOnly = actor && !actor.roles.some((r) => CHAIN_WIDE.includes(r));
    const query = {
      dueAt: { $gte: from, $lte: to },
      ...(ownStoreOnly ? { storeId: actor.storeId ?? '-' } : {}),
    };
    const cursor = this.tasks.tasks.find(query, {
      projection: {
        storeId: 1,
        assignee: 1,
        closedBy: 1,
        status: 1,
        dueAt: 1,
        closedAt: 1,
        outcome: 1,
        escalatedAt: 1,
      },
    });
    const rows = await dbSpan('care_tasks', 'find', async () =>
      careFigures((await cursor.toArray()) as TaskFigures[], request.by ?? 'store', new Date()),
    );
    return { from: from.toISOString(), to: to.toISOString(), by: request.by ?? 'store', rows };
  }
}
