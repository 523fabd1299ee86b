import { Injectable } from '@nestjs/common';
import type { NotificationPurpose } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import { type BudgetSettings, budgetRule, budgetWindowStart } from './contact-budget';
import type { SlotPool } from './slot-pools';

export const BUDGET_POOL = 'budget';

/** The contact budget as a slot pool (rule in contact-budget.ts). */
@Injectable()
export class ContactBudgets {
  readonly settings: BudgetSettings;

  constructor(config: NotificationsConfig) {
    this.settings = {
      size: config.CONTACT_BUDGET_SIZE,
      windowDays: config.CONTACT_BUDGET_DAYS,
      clinicalReserve: config.CONTACT_BUDGET_CLINICAL_RESERVE,
    };
  }

  /** The size and window of the budget pool now. */
  poolShape(now: Date) {
    return {
      size: this.settings.size,
      windowStart: budgetWindowStart(now, this.settings.windowDays),
    };
  }

  /**
   * A member's budget pool now, as a message of this purpose meets it: marketing is refused
   * when only the clinical reserve is left; clinical and service messages go when it is spent.
   */
  poolOf(memberId: string, purpose: NotificationPurpose, now: Date): SlotPool {
    const rule = budgetRule(purpose, this.settings);
    return {
      memberId,
      pool: BUDGET_POOL,
      ...this.poolShape(now),
      keepFree: rule.keepFree,
      goesWhenFull: !rule.refuseWhenFull,
    };
  }
}
