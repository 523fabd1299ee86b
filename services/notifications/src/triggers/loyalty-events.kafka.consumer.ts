import { Injectable } from '@nestjs/common';
import {
  COUPON_ISSUED,
  CouponIssuedPayload,
  POINTS_EXPIRING,
  PointsExpiringPayload,
  Topics,
} from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { SendNotification } from '../sending/send-notification.handler';
import { TRIGGER_TEMPLATES } from './default-templates';

export const NOTIFICATIONS_LOYALTY_EVENTS_GROUP = 'notifications.loyalty-events';

/**
 * loyalty.events.v1 → notifications: a reminder when points are about to expire, a greeting
 * when a birthday coupon is issued. Both are service messages (they tell the member about what
 * they already hold), caused by the loyalty fact, so a redelivery sends nothing twice.
 */
@Injectable()
export class LoyaltyEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, send: SendNotification) {
    super();
    const router = new EnvelopeRouter()
      .on(POINTS_EXPIRING, PointsExpiringPayload, async (payload) => {
        const expiresOn = payload.expiresAt.slice(0, 10);
        await send.execute({
          cause: `points-expiring:${payload.memberId}:${expiresOn}`,
          memberId: payload.memberId,
          purpose: 'service',
          templateId: TRIGGER_TEMPLATES.pointsExpiring,
          variables: { points: String(payload.points), expiresAt: expiresOn },
        });
      })
      .on(COUPON_ISSUED, CouponIssuedPayload, async (payload) => {
        // loyalty's birthday coupons are caused `birthday:<member>:<year>`: one greeting each.
        if (!payload.cause.startsWith('birthday:')) return;
        await send.execute({
          cause: `birthday-greeting:${payload.cause.slice('birthday:'.length)}`,
          memberId: payload.memberId,
          purpose: 'service',
          templateId: TRIGGER_TEMPLATES.birthdayGreeting,
          variables: { validUntil: payload.validUntil.slice(0, 10) },
        });
      });
    this.consumer = consumers.create(
      NOTIFICATIONS_LOYALTY_EVENTS_GROUP,
      [Topics.loyaltyEvents],
      router,
    );
  }
}
