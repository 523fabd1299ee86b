import { Injectable } from '@nestjs/common';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { OpenPointsAccount } from './open-points-account.handler';

export const LOYALTY_MEMBER_EVENTS_GROUP = 'loyalty.member-events';

/** members.events.v1 → loyalty: opens accounts for new members. */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, openAccount: OpenPointsAccount) {
    super();
    const router = new EnvelopeRouter().on(
      MEMBER_REGISTERED,
      MemberRegisteredPayload,
      (payload, envelope) => openAccount.execute(payload, envelope),
    );
    this.consumer = consumers.create(
      LOYALTY_MEMBER_EVENTS_GROUP,
      [Topics.membersEvents],
      router as never,
    );
  }
}
