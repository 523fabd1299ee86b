import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { forEachConcurrently } from '@crm/messaging';
import { LoyaltyConfig } from '../loyalty.config';
import { CouponDefinitionsRepository } from './coupon-definitions.repository';
import { IssueCoupon } from './issue-coupon';
import { MembersDirectory } from './members-directory';

const ISSUE_CONCURRENCY = 8;
/** A failed pass (members still loading its index, say) is tried again this soon. */
const RETRY_MS = 60_000;

/** The chain's local year and month at `now` (CHAIN_UTC_OFFSET_MINUTES east of UTC). */
export function localYearMonth(
  now: Date,
  utcOffsetMinutes: number,
): { year: number; month: number } {
  const local = new Date(now.getTime() + utcOffsetMinutes * 60_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

/**
 * Birthday coupons: at start and every hour, every member born in the chain's current local
 * month gets one, keyed `birthday:<member>:<year>`, so a pass repeated (hourly, by another
 * replica, after a crash) issues nothing twice and members registered mid-month are caught.
 */
@Injectable()
export class BirthdayCoupons implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly definitions: CouponDefinitionsRepository,
    private readonly issueCoupon: IssueCoupon,
    private readonly members: MembersDirectory,
    private readonly config: LoyaltyConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BirthdayCoupons.name);
  }

  onApplicationBootstrap(): void {
    void this.runLogged();
    this.timer = setInterval(() => void this.runLogged(), this.config.BIRTHDAY_COUPONS_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    await this.running?.catch(() => undefined);
  }

  /** One pass; returns how many coupons it issued. */
  async run(now = new Date()): Promise<number> {
    const definition = await this.definitions.current('birthday', now);
    if (!definition) return 0;
    const { year, month } = localYearMonth(now, this.config.CHAIN_UTC_OFFSET_MINUTES);
    let issued = 0;
    for await (const memberIds of this.members.birthdayPages(month))
      await forEachConcurrently(memberIds, ISSUE_CONCURRENCY, async (memberId) => {
        const outcome = await this.issueCoupon.execute(
          definition,
          memberId,
          `birthday:${memberId}:${year}`,
          now,
        );
        if (outcome.outcome === 'issued') issued++;
      });
    return issued;
  }

  private async runLogged(): Promise<void> {
    if (this.running) return;
    this.running = this.run();
    try {
      const issued = await this.running;
      if (issued > 0) this.logger.info({ issued }, 'birthday coupons issued');
    } catch (error) {
      this.logger.warn({ err: error }, 'birthday coupon pass failed; trying again in a minute');
      clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.runLogged(), RETRY_MS);
      this.retry.unref();
    } finally {
      this.running = undefined;
    }
  }
}
