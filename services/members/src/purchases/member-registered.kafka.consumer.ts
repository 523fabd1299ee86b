import { Injectable } from '@nestjs/common';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { LinkEarlierPurchases } from './link-earlier-purchases.handler';

export const LINK_PURCHASES_GROUP = 'members.link-purchases';

/** members.events.v1 → members: a registration links the purchases made before it. */
@Injectable()
export class MemberRegisteredConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, linkPurchases: LinkEarlierPurchases) {
    super();
    const router = new EnvelopeRouter().on(MEMBER_REGISTERED, MemberRegisteredPayload, (payload) =>
      linkPurchases.execute(payload.memberId),
    );
    this.consumer = consumers.create(LINK_PURCHASES_GROUP, [Topics.membersEvents], router);
  }
}
