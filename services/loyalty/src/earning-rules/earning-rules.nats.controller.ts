import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  EarningRuleRequest,
  type EarningRuleList,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { CreateEarningRule, earningRuleView } from './create-earning-rule.handler';
import { EarningRules } from './earning-rules';

@NatsController()
export class EarningRulesNatsController {
  constructor(
    private readonly createRule: CreateEarningRule,
    private readonly rules: EarningRules,
  ) {}

  @MessagePattern(Subjects.loyalty.earningRules.create)
  create(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.createRule.execute(validatePayload(EarningRuleRequest, data), actorOf(ctx)?.sub);
  }

  @MessagePattern(Subjects.loyalty.earningRules.list)
  async list(): Promise<EarningRuleList> {
    await this.rules.refresh();
    return { items: this.rules.list().map(earningRuleView) };
  }
}
