import { Injectable } from '@nestjs/common';
import {
  MEMBER_MERGED,
  MEMBER_REGISTERED,
  MemberMergedPayload,
  MemberRegisteredPayload,
  PURCHASE_RECORDED,
  PurchaseRecordedPayload,
  Topics,
} from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { MergeAccounts } from './accounts/merge-accounts.handler';
import { OpenPointsAccount } from './accounts/open-points-account.handler';
import { EarnPoints } from './points/earn-points.handler';
import { PointsLedgerRepository } from './points/points-ledger.repository';
import { TrackSpend } from './tiers/track-spend.handler';

export const LOYALTY_MEMBER_EVENTS_GROUP = 'loyalty.member-events';

/**
 * members.events.v1 → loyalty: accounts for new members, points and tier spend for their
 * purchases, merged accounts for merged members. One
 * group reads the topic once; the events are keyed by member, so each member's arrive in order.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(
    consumers: ConsumerFactory,
    openAccount: OpenPointsAccount,
    earnPoints: EarnPoints,
    trackSpend: TrackSpend,
    mergeAccounts: MergeAccounts,
    ledger: PointsLedgerRepository,
  ) {
    super();
    const router = new EnvelopeRouter()
      .on(MEMBER_REGISTERED, MemberRegisteredPayload, (payload, envelope) =>
        openAccount.execute(payload, envelope),
      )
      .on(PURCHASE_RECORDED, PurchaseRecordedPayload, async (payload) => {
        // A merged member's purchases count on the survivor: resolved once for both.
        const purchase = { ...payload, memberId: await ledger.holderOf(payload.memberId) };
        // Both idempotent by transaction: a retry after either redoes nothing twice.
        await earnPoints.execute(purchase);
        await trackSpend.execute(purchase);
      })
      .on(MEMBER_MERGED, MemberMergedPayload, (payload) => mergeAccounts.execute(payload));
    this.consumer = consumers.create(
      LOYALTY_MEMBER_EVENTS_GROUP,
      [Topics.membersEvents],
      router as never,
    );
  }
}
