import { Injectable } from '@nestjs/common';
import { MEMBER_REGISTERED, MemberRegisteredPayload, Topics } from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { SendNotification } from '../sending/send-notification.handler';

export const NOTIFICATIONS_MEMBER_EVENTS_GROUP = 'notifications.member-events';

/** The welcome note (a service message: no marketing consent needed). */
export const WELCOME_TEXT = '欢迎加入会员！凭手机号在任一门店享受会员服务。回复TD退订营销信息。';

/**
 * members.events.v1 → notifications: a welcome note per registered member, caused by
 * `welcome:<member>`, so a redelivered event or a second replica sends nothing twice.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, send: SendNotification) {
    super();
    const router = new EnvelopeRouter().on(
      MEMBER_REGISTERED,
      MemberRegisteredPayload,
      async (payload) => {
        await send.execute({
          cause: `welcome:${payload.memberId}`,
          memberId: payload.memberId,
          purpose: 'service',
          channel: 'sms',
          content: WELCOME_TEXT,
        });
      },
    );
    this.consumer = consumers.create(
      NOTIFICATIONS_MEMBER_EVENTS_GROUP,
      [Topics.membersEvents],
      router,
    );
  }
}
