import { Injectable } from '@nestjs/common';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { EngagementRepository } from '../grade/engagement.repository';
import { LinkEarlierPurchases } from './link-earlier-purchases.handler';

export const LINK_PURCHASES_GROUP = 'members.link-purchases';

/**
 * members.events.v1 → members: a registration links the purchases made before it, and
 * counts as a referral for the member who brought them.
 */
@Injectable()
export class MemberRegisteredConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(
    consumers: ConsumerFactory,
    linkPurchases: LinkEarlierPurchases,
    engagement: EngagementRepository,
  ) {
    super();
    const router = new EnvelopeRouter().on(
      MEMBER_REGISTERED,
      MemberRegisteredPayload,
      async (payload) => {
        await linkPurchases.execute(payload.memberId);
        if (payload.referredBy)
          await engagement.recordReferral(payload.referredBy, payload.memberId);
      },
    );
    this.consumer = consumers.create(LINK_PURCHASES_GROUP, [Topics.membersEvents], router);
  }
}
