import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListNotificationTemplatesRequest,
  SaveNotificationTemplateCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { ListTemplates, SaveTemplate } from './save-template.handler';

@NatsController()
export class TemplatesNatsController {
  constructor(
    private readonly save: SaveTemplate,
    private readonly list: ListTemplates,
  ) {}

  @MessagePattern(Subjects.notifications.templates.save)
  saveTemplate(@Payload() data: unknown) {
    return this.save.execute(validatePayload(SaveNotificationTemplateCommand, data));
  }

  @MessagePattern(Subjects.notifications.templates.list)
  listTemplates(@Payload() data: unknown) {
    return this.list.execute(validatePayload(ListNotificationTemplatesRequest, data));
  }
}
