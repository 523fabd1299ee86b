import { Injectable } from '@nestjs/common';
import type { NotificationPurpose } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import { type BudgetSettings, budgetRule, budgetWindowStart } from './contact-budget';
import { SlotPools } from './slot-pools';

export const BUDGET_POOL = 'budget';

/** The contact budget as a slot pool (rule in contact-budget.ts). */
@Injectable()
export class ContactBudgets {
  readonly settings: BudgetSettings;

  constructor(
    private readonly pools: SlotPools,
    config: NotificationsConfig,
  ) {
    this.settings = {
      size: config.CONTACT_BUDGET_SIZE,
      windowDays: config.CONTACT_BUDGET_DAYS,
      clinicalReserve: config.CONTACT_BUDGET_CLINICAL_RESERVE,
    };
  }

  /** False only for a marketing message when the budget (less the clinical reserve) is used. */
  async take(
    memberId: string,
    purpose: NotificationPurpose,
    messageId: string,
    now: Date,
  ): Promise<boolean> {
    const rule = budgetRule(purpose, this.settings);
    const took = await this.pools.take(
      {
        memberId,
        pool: BUDGET_POOL,
        size: this.settings.size,
        windowStart: budgetWindowStart(now, this.settings.windowDays),
        keepFree: rule.keepFree,
      },
      messageId,
      now,
    );
    return took || !rule.refuseWhenFull;
  }
}
