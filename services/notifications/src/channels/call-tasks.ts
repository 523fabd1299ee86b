import { Injectable } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type CallTaskList, ListCallTasksRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import type { CallTaskDocument } from './call-task.document';
import { CallTasksRepository } from './call-tasks.repository';

const DEFAULT_LIMIT = 50;

/** The call-task worklist (`GET /call-tasks?store=`), oldest due first. */
@Injectable()
export class ListCallTasks {
  constructor(private readonly tasks: CallTasksRepository) {}

  async execute(request: ListCallTasksRequest): Promise<CallTaskList> {
    const docs = await this.tasks.list(request.store, request.limit ?? DEFAULT_LIMIT);
    return { items: docs.map(toCallTaskView) };
  }
}

export function toCallTaskView(doc: CallTaskDocument) {
  return {
    id: doc._id,
    messageId: doc.messageId,
    memberId: doc.memberId,
    storeId: doc.storeId,
    purpose: doc.purpose,
    status: doc.status,
    script: doc.script,
    dueAt: doc.dueAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
  };
}

@NatsController()
export class CallTasksNatsController {
  constructor(private readonly list: ListCallTasks) {}

  @MessagePattern(Subjects.notifications.callTasks)
  callTasks(@Payload() data: unknown) {
    return this.list.execute(validatePayload(ListCallTasksRequest, data));
  }
}
