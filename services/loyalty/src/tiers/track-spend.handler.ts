import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { EARNING_SETTINGS } from '../points/earning-settings';
import type { EarningSettings } from '../points/earning';
import { LoyaltyOutbox } from '../loyalty-outbox';
import { MemberTierRepository } from './member-tier.repository';
import { localMonth } from './rolling-spend';

/** `purchase.recorded` (its member resolved past merges) → the member's rolling spend, and a tier raised as soon as it is reached. */
@Injectable()
export class TrackSpend {
  constructor(
    private readonly tiers: MemberTierRepository,
    private readonly outbox: LoyaltyOutbox,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  execute(purchase: PurchaseRecordedPayload): Promise<void> {
    return inSpan('loyalty.tiers.spend', async () => {
      const cents = purchase.type === 'refund' ? -purchase.totalCents : purchase.totalCents;
      const offset = this.settings.utcOffsetMinutes;
      const month = localMonth(new Date(purchase.occurredAt), offset);
      const counted = await this.tiers.countSpend(
        purchase.memberId,
        purchase.transactionId,
        month,
        cents,
        new Date(),
        offset,
      );
      if (counted) this.outbox.nudge();
    });
  }
}
