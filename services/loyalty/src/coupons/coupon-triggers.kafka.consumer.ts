import { Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  MEMBER_MERGED,
  MEMBER_REGISTERED,
  MemberMergedPayload,
  MemberRegisteredPayload,
  PURCHASE_RECORDED,
  PurchaseRecordedPayload,
  Topics,
} from '@crm/contracts';
import { EnvelopeRouter, type MessageHandler } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { AutomaticCoupons } from './automatic-coupons';

export const LOYALTY_COUPON_TRIGGERS_GROUP = 'loyalty.coupon-triggers';

/**
 * members.events.v1 → coupons, in a group of its own so coupons never hold up points (and a
 * coupon failure is retried and dead-lettered on its own). Keyed by member: one member's
 * registration comes before their sales.
 */
@Injectable()
export class CouponTriggersConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, automatic: AutomaticCoupons) {
    super();
    const router = new EnvelopeRouter()
      .on(MEMBER_REGISTERED, MemberRegisteredPayload, (payload) =>
        automatic.memberRegistered(payload),
      )
      .on(PURCHASE_RECORDED, PurchaseRecordedPayload, (payload) =>
        automatic.purchaseRecorded(payload),
      )
      .on(MEMBER_MERGED, MemberMergedPayload, (payload) => automatic.memberMerged(payload));
    const handler: MessageHandler<EventEnvelope> = {
      decode: (message) => router.decode(message),
      apply: (message) => router.apply(message),
      // Each handler is idempotent by its cause (welcome:<member>, pos:<transaction>, …), so a
      // run needs no applied-event record per message: most sales then cost no store call.
      applyBatch: async (messages) => {
        for (const message of messages) await router.apply(message);
      },
    };
    this.consumer = consumers.create(
      LOYALTY_COUPON_TRIGGERS_GROUP,
      [Topics.membersEvents],
      handler,
    );
  }
}
