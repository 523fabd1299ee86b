import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, type EarningRuleRequest, type EarningRuleView, ErrorCode } from '@crm/contracts';
import type { EarningRuleDocument } from './earning-rules.repository';
import { EarningRulesRepository } from './earning-rules.repository';
import { EarningRules } from './earning-rules';

/** Stores a rule that takes effect at its date, never before now: no rule is retroactive. */
@Injectable()
export class CreateEarningRule {
  constructor(
    private readonly repository: EarningRulesRepository,
    private readonly rules: EarningRules,
  ) {}

  async execute(
    request: EarningRuleRequest,
    staffId: string | undefined,
  ): Promise<EarningRuleView> {
    const effectiveFrom = new Date(request.effectiveFrom);
    if (effectiveFrom.getTime() < Date.now())
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'A rule cannot take effect in the past', [
        {
          field: 'effectiveFrom',
          reasons: ['must not be in the past: a rule applies to purchases after it, never before'],
        },
      ]);
    const rule: EarningRuleDocument = {
      ...request,
      _id: randomUUID(),
      effectiveFrom,
      ...(staffId ? { createdBy: staffId } : {}),
      createdAt: new Date(),
    };
    await this.repository.insert(rule);
    await this.rules.refresh();
    return earningRuleView(rule);
  }
}

export function earningRuleView({
  _id,
  effectiveFrom,
  createdAt,
  ...rule
}: EarningRuleDocument): EarningRuleView {
  return {
    ruleId: _id,
    ...rule,
    effectiveFrom: effectiveFrom.toISOString(),
    createdAt: createdAt.toISOString(),
  };
}
