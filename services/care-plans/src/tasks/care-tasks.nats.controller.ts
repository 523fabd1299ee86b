import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  type CareTaskPage,
  type CareTaskView,
  CompleteCareTaskCommand,
  ListCareTasksRequest,
  ReassignCareTaskCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { toCareTaskView } from './care-task.mapper';
import { CareTasksRepository } from './care-tasks.repository';
import { CompleteCareTask } from './complete-care-task.handler';
import { ReassignCareTask } from './reassign-care-task.handler';

/** The staff worklist, by due time, and completing a task. */
@NatsController()
export class CareTasksNatsController {
  constructor(
    private readonly tasks: CareTasksRepository,
    private readonly completeCareTask: CompleteCareTask,
    private readonly reassignCareTask: ReassignCareTask,
  ) {}

  @MessagePattern(Subjects.carePlans.tasks.list)
  async list(@Payload() data: unknown): Promise<CareTaskPage> {
    const request = validatePayload(ListCareTasksRequest, data);
    const limit = request.limit ?? 50;
    const [afterMs, afterId] = request.after?.split('~') ?? [];
    const found = await this.tasks.list(
      {
        memberId: request.memberId,
        storeId: request.store,
        assignee: request.assignee,
        status: request.status,
        ...(request.due ? { dueBy: new Date(request.due) } : {}),
        ...(afterId ? { after: { dueAt: new Date(Number(afterMs)), id: afterId } } : {}),
      },
      limit + 1,
    );
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCareTaskView),
      next: found.length > limit && last ? `${last.dueAt.getTime()}~${last._id}` : null,
    };
  }

  @MessagePattern(Subjects.carePlans.tasks.complete)
  async complete(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CareTaskView> {
    const command = validatePayload(CompleteCareTaskCommand, data);
    return toCareTaskView(await this.completeCareTask.execute(command, actorOf(ctx)));
  }

  @MessagePattern(Subjects.carePlans.tasks.reassign)
  async reassign(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CareTaskView> {
    const command = validatePayload(ReassignCareTaskCommand, data);
    return toCareTaskView(await this.reassignCareTask.execute(command, actorOf(ctx)));
  }
}
