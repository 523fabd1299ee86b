import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { EventEnvelope, MemberErasedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CouponsRepository } from '../coupons/coupons.repository';
import { ReferralsRepository } from '../coupons/referrals.repository';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import { ErasuresRepository } from './erasures.repository';
import { mergedDuplicates } from './merged-duplicates';

/**
 * `member.erased`: loyalty removes what identifies the person and keeps the anonymous figures
 * under the (now pseudonymous) member id, as the members service does. Removed: the free text
 * of ledger entries (reasons), referrals (who referred whom), the coupon links to other records
 * and people (`issuedTo`, referral causes) and the kept coupon refusals. Kept: balances, entries'
 * points and kinds, return windows, expiry books, tiers and their spend, coupons' codes, terms
 * and redemptions, and the staff ids on entries (they name the employee who acted, the chain's
 * audit trail against points fraud, not the member).
 *
 * Marked first (an insert keyed by the member: once however often told), so new personal data
 * is refused from then on; each scrub is idempotent, so a crash midway is finished by the
 * redelivery, and one after `completedAt` does nothing.
 */
@Injectable()
export class EraseMemberData {
  constructor(
    private readonly erasures: ErasuresRepository,
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly referrals: ReferralsRepository,
    private readonly coupons: CouponsRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(EraseMemberData.name);
  }

  execute(payload: MemberErasedPayload, envelope: EventEnvelope<unknown>): Promise<void> {
    return inSpan('loyalty.member.erase', async () => {
      const { memberId } = payload;
      const mark = await this.erasures.mark({
        _id: memberId,
        erasedAt: new Date(payload.erasedAt),
        eventId: envelope.id,
        receivedAt: new Date(),
        duplicates: mergedDuplicates(await this.repository.mergeEntryIds(memberId)),
      });
      if (mark.completedAt) {
        this.logger.info({ memberId, eventId: envelope.id }, 'member already erased in loyalty');
        return;
      }
      const removed = { reasons: 0, referrals: 0, couponLinks: 0 };
      for (const person of [memberId, ...mark.duplicates]) {
        removed.reasons += await this.ledger.forgetReasons(person);
        removed.referrals += await this.referrals.forget(person);
        removed.couponLinks += await this.coupons.forgetLinks(person);
      }
      await this.erasures.complete(memberId, new Date());
      this.logger.info({ memberId, duplicates: mark.duplicates, ...removed }, 'member erased');
    });
  }
}
