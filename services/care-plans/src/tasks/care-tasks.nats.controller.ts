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
import { CompleteCareTask } from './complete-care-task.handler';
import { ListCareTasks } from './list-care-tasks.handler';
import { ReassignCareTask } from './reassign-care-task.handler';

/** The staff worklist, by due time, and completing a task. */
@NatsController()
export class CareTasksNatsController {
  constructor(
    private readonly listCareTasks: ListCareTasks,
    private readonly completeCareTask: CompleteCareTask,
    private readonly reassignCareTask: ReassignCareTask,
  ) {}

  @MessagePattern(Subjects.carePlans.tasks.list)
  list(@Payload() data: unknown): Promise<CareTaskPage> {
    return this.listCareTasks.execute(validatePayload(ListCareTasksRequest, data));
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
