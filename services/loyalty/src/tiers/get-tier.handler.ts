import { Inject, Injectable } from '@nestjs/common';
import type { GetTierRequest, TierView } from '@crm/contracts';
import { EARNING_SETTINGS } from '../points/earning-settings';
import type { EarningSettings } from '../points/earning';
import { MemberTierRepository } from './member-tier.repository';
import { monthsInWindow, spendIn } from './rolling-spend';
import { levelOf, progressFrom } from './tier-table';

/** A member's tier, its benefits, the rolling spend and what is left for the next tier. */
@Injectable()
export class GetTier {
  constructor(
    private readonly tiers: MemberTierRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  async execute({ id }: GetTierRequest): Promise<TierView> {
    const held = await this.tiers.find(id);
    const tier = held?.tier ?? 'regular';
    const spend = spendIn(
      held?.months ?? {},
      monthsInWindow(new Date(), this.settings.utcOffsetMinutes),
    );
    return {
      memberId: id,
      tier,
      benefits: levelOf(tier).benefits,
      spend12mCents: spend,
      next: progressFrom(tier, spend),
    };
  }
}
