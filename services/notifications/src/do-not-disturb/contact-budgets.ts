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

  /** The size and window of the budget pool now. */
  poolShape(now: Date) {
    return {
      size: this.settings.size,
      windowStart: budgetWindowStart(now, this.settings.windowDays),
    };
  }

  /** False only for a marketing message when the budget (less the clinical reserve) is used. */
  async take(
    memberId: string,
    purpose: NotificationPurpose,
    messageId: string,
    now: Date,
  ): Promise<boolean> {
    return (await this.takeMany([{ memberId, purpose, messageId }], now))[0]!;
  }

  /** `take` for a batch; answers in the order asked. */
  async takeMany(
    asks: readonly { memberId: string; purpose: NotificationPurpose; messageId: string }[],
    now: Date,
  ): Promise<boolean[]> {
    const windowStart = budgetWindowStart(now, this.settings.windowDays);
    const rules = asks.map((ask) => budgetRule(ask.purpose, this.settings));
    const took = await this.pools.takeMany(
      asks.map(({ memberId, messageId }, i) => ({
        pool: {
          memberId,
          pool: BUDGET_POOL,
          size: this.settings.size,
          windowStart,
          keepFree: rules[i]!.keepFree,
        },
        messageId,
      })),
      now,
    );
    return took.map((held, i) => held || !rules[i]!.refuseWhenFull);
  }
}
