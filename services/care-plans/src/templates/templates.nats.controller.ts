import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  type CarePlanTemplateList,
  CarePlanTemplateRequest,
  type CarePlanTemplateView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { TemplatesRepository, type TemplateDocument } from './templates.repository';

export function toTemplateView(doc: TemplateDocument): CarePlanTemplateView {
  return {
    templateId: doc.templateId,
    version: doc.version,
    name: doc.name,
    condition: doc.condition,
    steps: doc.steps.map((s) => ({ ...s, content: { ...s.content } })),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.createdBy ? { createdBy: doc.createdBy } : {}),
  };
}

/** Plan templates as data: the newest of each, and an admin's next version. */
@NatsController()
export class TemplatesNatsController {
  constructor(private readonly templates: TemplatesRepository) {}

  @MessagePattern(Subjects.carePlans.templates.list)
  async list(): Promise<CarePlanTemplateList> {
    return { items: (await this.templates.all()).map(toTemplateView) };
  }

  @MessagePattern(Subjects.carePlans.templates.save)
  async save(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<CarePlanTemplateView> {
    const request = validatePayload(CarePlanTemplateRequest, data);
    return toTemplateView(await this.templates.saveNext(request, actorOf(ctx)?.sub));
  }
}
