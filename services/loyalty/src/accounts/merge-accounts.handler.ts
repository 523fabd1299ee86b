import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MemberMergedPayload } from '@crm/contracts';
import { EARNING_SETTINGS } from '../points/earning-settings';
import type { EarningSettings } from '../points/earning';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { MemberTierRepository } from '../tiers/member-tier.repository';

/**
 * `member.merged`: the duplicate's points (with those still in their return window) and its
 * tier spend move to the survivor, once; later purchases of the duplicate count there too.
 */
@Injectable()
export class MergeAccounts {
  private readonly logger = new Logger(MergeAccounts.name);

  constructor(
    private readonly ledger: PointsLedger,
    private readonly tiers: MemberTierRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  async execute({ survivorId, mergedId, mergedAt }: MemberMergedPayload): Promise<void> {
    const at = new Date(mergedAt);
    const moved = await this.ledger.mergeInto(mergedId, survivorId, at);
    await this.tiers.mergeInto(mergedId, survivorId, new Date(), this.settings.utcOffsetMinutes);
    this.logger.log({ survivorId, mergedId, points: moved }, 'points account merged');
  }
}
