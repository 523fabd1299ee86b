import { Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  MEMBER_ERASED,
  MEMBER_MERGED,
  MEMBER_REGISTERED,
  MemberErasedPayload,
  MemberMergedPayload,
  MemberRegisteredPayload,
  PURCHASE_RECORDED,
  PurchaseRecordedPayload,
  Topics,
} from '@crm/contracts';
import {
  type DecodedMessage,
  EnvelopeRouter,
  inMessageSpan,
  type MessageHandler,
} from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { MergeAccounts } from './accounts/merge-accounts.handler';
import { OpenPointsAccount } from './accounts/open-points-account.handler';
import { AutomaticCoupons } from './coupons/automatic-coupons';
import { EraseMemberData } from './privacy/erase-member-data.handler';
import { CountPurchases } from './purchases/count-purchases.handler';

export const LOYALTY_MEMBER_EVENTS_GROUP = 'loyalty.member-events';
/** Most purchases counted in one run. */
const RUN_SIZE = 5000;

/**
 * members.events.v1 → loyalty: accounts and welcome coupons for new members, points, tier
 * spend, coupons used at the till and referral rewards for their purchases, accounts and
 * coupons moved for merged members, personal data removed for erased members. One group reads the topic once (decoding it costs about
 * as much as counting it); the events are keyed by member, so each member's arrive in order.
 * Purchases are counted in runs (one write per member per run rather than per sale); the other
 * events between them one by one, in their place. Every effect is keyed by its cause, so a
 * redelivered run changes nothing twice.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(
    consumers: ConsumerFactory,
    openAccount: OpenPointsAccount,
    countPurchases: CountPurchases,
    mergeAccounts: MergeAccounts,
    coupons: AutomaticCoupons,
    eraseMemberData: EraseMemberData,
  ) {
    super();
    const countRun = async (purchases: PurchaseRecordedPayload[]) => {
      await countPurchases.execute(purchases);
      for (const purchase of purchases) await coupons.purchaseRecorded(purchase);
    };
    const router = new EnvelopeRouter()
      .on(MEMBER_REGISTERED, MemberRegisteredPayload, async (payload, envelope) => {
        await openAccount.execute(payload, envelope);
        await coupons.memberRegistered(payload);
      })
      .on(PURCHASE_RECORDED, PurchaseRecordedPayload, (payload) => countRun([payload]))
      .on(MEMBER_MERGED, MemberMergedPayload, async (payload) => {
        await mergeAccounts.execute(payload);
        await coupons.memberMerged(payload);
      })
      .on(MEMBER_ERASED, MemberErasedPayload, (payload, envelope) =>
        eraseMemberData.execute(payload, envelope),
      );
    const handler: MessageHandler<EventEnvelope> = {
      decode: (message) => router.decode(message),
      apply: (message) => router.apply(message),
      applyBatch: (messages) =>
        inRuns(messages, PURCHASE_RECORDED, router, (payloads) =>
          countRun(payloads as PurchaseRecordedPayload[]),
        ),
    };
    this.consumer = consumers.create(LOYALTY_MEMBER_EVENTS_GROUP, [Topics.membersEvents], handler, {
      // A run's cost is mostly one write per member in it: the longer the run, the more sales
      // each write carries. Runs grow only when loyalty is behind; caught up, they are short.
      maxBatchSize: RUN_SIZE,
    });
  }
}

/** Hands each stretch of consecutive `type` events to `run`, and every other event to `router`, in order. */
async function inRuns(
  messages: DecodedMessage<EventEnvelope>[],
  type: string,
  router: EnvelopeRouter,
  run: (payloads: unknown[]) => Promise<void>,
): Promise<void> {
  let stretch: unknown[] = [];
  for (const message of messages) {
    if (message.value.type === type) {
      stretch.push(message.value.payload);
      continue;
    }
    if (stretch.length > 0) await run(stretch);
    stretch = [];
    // On its own, so in its own trace (the registration's HTTP request, for one).
    await inMessageSpan(Topics.membersEvents, message, () => router.apply(message));
  }
  if (stretch.length > 0) await run(stretch);
}
