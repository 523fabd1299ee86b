import { Injectable } from '@nestjs/common';
import { type CouponPurpose } from '@crm/contracts';
import type { StaffStamp } from '../access/staff-stamp';
import { LoyaltyOutbox } from '../loyalty-outbox';
import {
  type CouponDefinitionDocument,
  CouponDefinitionsRepository,
} from './coupon-definitions.repository';
import { validityOf } from './coupon-terms';
import { CouponsRepository } from './coupons.repository';
import type { IssueOutcome } from './coupon.document';

/**
 * Issues one coupon of a definition to a member for a cause; every path that issues (staff,
 * segment, welcome, birthday, compensation, referral) goes through here.
 */
@Injectable()
export class IssueCoupon {
  constructor(
    private readonly coupons: CouponsRepository,
    private readonly definitions: CouponDefinitionsRepository,
    private readonly outbox: LoyaltyOutbox,
  ) {}

  async execute(
    definition: CouponDefinitionDocument,
    memberId: string,
    cause: string,
    now = new Date(),
    issuedBy?: StaffStamp,
  ): Promise<IssueOutcome> {
    const outcome = await this.coupons.issue(
      {
        memberId,
        definitionId: definition._id,
        name: definition.name,
        purpose: definition.purpose,
        cause,
        terms: {
          ...(definition.amountOffCents !== undefined
            ? { amountOffCents: definition.amountOffCents }
            : {}),
          ...(definition.percentOff !== undefined ? { percentOff: definition.percentOff } : {}),
          ...(definition.maxDiscountCents !== undefined
            ? { maxDiscountCents: definition.maxDiscountCents }
            : {}),
          minimumSpendCents: definition.minimumSpendCents,
          eligibleCategories: definition.eligibleCategories,
          rxEligible: definition.rxEligible,
        },
        ...validityOf(definition, now),
        issuedAt: now,
        ...(issuedBy?.staffId ? { issuedBy } : {}),
      },
      definition.perMemberLimit,
    );
    if (outcome.outcome === 'issued') this.outbox.nudge();
    return outcome;
  }

  /**
   * An automatic issue: with the current definition of its purpose, or nothing when the chain
   * defined none (a redelivery after one is defined then issues it: the cause keeps it once).
   */
  async automatic(
    purpose: Exclude<CouponPurpose, 'manual'>,
    memberId: string,
    cause: string,
    now = new Date(),
    issuedBy?: StaffStamp,
  ): Promise<IssueOutcome | null> {
    const existing = await this.coupons.byCause(cause);
    if (existing) return { outcome: 'existing', coupon: existing };
    const definition = await this.definitions.current(purpose, now);
    return definition ? this.execute(definition, memberId, cause, now, issuedBy) : null;
  }
}
