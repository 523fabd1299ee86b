import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { LoyaltyOutbox } from '../loyalty-outbox';
import { MemberTierRepository } from './member-tier.repository';
import { reviewUnderWay, TIER_REVIEW_SETTINGS, type TierReviewSettings } from './tier-review';
import { higher } from './tier-table';

/** How often the review is looked for; it is due by the local date, so an hour late is on time. */
const CHECK_EVERY_MS = 60 * 60_000;

export interface TierReviewPass {
  /** The review year under way, or null between reviews (then nothing is read). */
  year: string | null;
  reviewed: number;
  lowered: number;
  raised: number;
}

/**
 * DOMAIN.md's "upgrade at once, downgrade only at the yearly review": from the review date
 * (TIER_REVIEW_MONTH_DAY, local) each member's tier is set to what the rolling 12-month spend
 * earns, once per member and year, at start-up and every hour after.
 */
@Injectable()
export class YearlyTierReview extends PeriodicJob {
  constructor(
    private readonly tiers: MemberTierRepository,
    private readonly outbox: LoyaltyOutbox,
    @Inject(TIER_REVIEW_SETTINGS) private readonly settings: TierReviewSettings,
    protected readonly logger: PinoLogger,
  ) {
    super(CHECK_EVERY_MS, 'yearly tier review pass');
    logger.setContext(YearlyTierReview.name);
  }

  /** One pass at `now`: every member not yet reviewed this year, if a review is under way. */
  async run(now = new Date()): Promise<TierReviewPass> {
    const year = reviewUnderWay(now, this.settings);
    const pass: TierReviewPass = { year, reviewed: 0, lowered: 0, raised: 0 };
    if (!year) return pass;
    for (const memberId of await this.tiers.unreviewed(year)) {
      const change = await this.tiers.review(memberId, year, now, this.settings.utcOffsetMinutes);
      pass.reviewed++;
      if (!change) continue;
      if (higher(change.from, change.to) === change.from) pass.lowered++;
      else pass.raised++;
      this.outbox.nudge();
    }
    return pass;
  }

  protected async runRound(): Promise<void> {
    const pass = await this.run();
    if (pass.reviewed > 0) this.logger.info(pass, 'yearly tier review pass');
  }
}
