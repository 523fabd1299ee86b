import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type NotificationTemplateList,
  type NotificationTemplateView,
  type ListNotificationTemplatesRequest,
  type SaveNotificationTemplateCommand,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { TemplateDocument } from './template.document';
import { templateProblems } from './template-rules';
import { TemplatesRepository } from './templates.repository';

/** `POST /notification-templates`: refused with field reasons when a body uses an undeclared variable. */
@Injectable()
export class SaveTemplate {
  constructor(private readonly templates: TemplatesRepository) {}

  execute(command: SaveNotificationTemplateCommand): Promise<NotificationTemplateView> {
    return inSpan('notifications.templates.save', async () => {
      const problems = templateProblems(command.template);
      if (problems.length > 0)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'The template is not valid', problems);
      return toTemplateView(await this.templates.saveNext(command.template, command.by));
    });
  }
}

@Injectable()
export class ListTemplates {
  constructor(private readonly templates: TemplatesRepository) {}

  async execute(request: ListNotificationTemplatesRequest): Promise<NotificationTemplateList> {
    const docs = await this.templates.newest({
      ...(request.channel ? { channel: request.channel } : {}),
      ...(request.purpose ? { purpose: request.purpose } : {}),
    });
    return { items: docs.map(toTemplateView) };
  }
}

/** Allow-list mapper: what the desk sees of a template version. */
export function toTemplateView(doc: TemplateDocument): NotificationTemplateView {
  return {
    templateId: doc._id,
    key: doc.key,
    version: doc.version,
    channel: doc.channel,
    purpose: doc.purpose,
    bodies: { 'zh-CN': doc.bodies['zh-CN'], en: doc.bodies.en },
    variables: doc.variables,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.createdBy ? { createdBy: doc.createdBy } : {}),
  };
}
