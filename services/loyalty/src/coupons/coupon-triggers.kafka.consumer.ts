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
    this.consumer = consumers.create(
      LOYALTY_COUPON_TRIGGERS_GROUP,
      [Topics.membersEvents],
      router as never,
    );
  }
}
