import { Injectable } from '@nestjs/common';
import type { LoyaltyExport, LoyaltyExportRequest } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CouponsRepository } from '../coupons/coupons.repository';
import { ReferralsRepository } from '../coupons/referrals.repository';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import { MemberTierRepository } from '../tiers/member-tier.repository';
import { ErasuresRepository } from './erasures.repository';
import { loyaltyExport } from './loyalty-export.mapper';

/** Most ledger entries and coupons in one export, as the members service caps purchases. */
const EXPORT_LIMIT = 10_000;

/**
 * A person's copy of what loyalty holds about them (PIPL right of access), for the gateway's
 * `GET /members/{id}/export`: the account and its ledger (refused spends too), the tier and the
 * spend behind it, coupons, referrals either side and kept coupon refusals. After an erasure it
 * shows what is left: anonymous figures, and when loyalty erased the rest.
 */
@Injectable()
export class ExportMemberData {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly tiers: MemberTierRepository,
    private readonly coupons: CouponsRepository,
    private readonly referrals: ReferralsRepository,
    private readonly erasures: ErasuresRepository,
  ) {}

  execute({ id }: LoyaltyExportRequest): Promise<LoyaltyExport> {
    return inSpan('loyalty.export', async () => {
      const [account, entries, tier, coupons, referrals, refusals, erasure] = await Promise.all([
        this.ledger.account(id),
        this.repository.entriesOf(id, EXPORT_LIMIT),
        this.tiers.find(id),
        this.coupons.ofMember(id, EXPORT_LIMIT),
        this.referrals.ofMember(id),
        this.coupons.refusalsOf(id),
        this.erasures.find(id),
      ]);
      return loyaltyExport(
        id,
        { account, entries, tier, coupons, referrals, refusals, erasure },
        new Date(),
      );
    });
  }
}
