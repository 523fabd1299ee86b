import { Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  MEMBER_ERASED,
  MEMBER_MERGED,
  MEMBER_UPDATED,
  MemberErasedPayload,
  MemberMergedPayload,
  MemberUpdatedPayload,
  PURCHASE_RECORDED,
  PurchaseRecordedPayload,
  Topics,
} from '@crm/contracts';
import { failpoint } from '@crm/config';
import {
  type DecodedMessage,
  EnvelopeRouter,
  inMessageSpan,
  type MessageHandler,
} from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { RecordFollowUps } from './followups/record-follow-ups.handler';
import { MemberLifecycle } from './privacy/member-lifecycle';
import { RecordRefills } from './refills/record-refills.handler';

export const CARE_MEMBER_EVENTS_GROUP = 'care-plans.member-events';
const RUN_SIZE = 1000;

/**
 * members.events.v1 → care-plans (its own group): `purchase.recorded` becomes follow-up tasks
 * and refill reminders. A run's follow-ups go in one insert, its refunds one by one (rare), and
 * its refill versions in one insert (one member's events are in one partition, in order); the
 * refill chains the run needs are read during the follow-ups' insert. Every effect is an
 * insert keyed by its cause, so a redelivered run (a crash before the commit) adds nothing.
 * `member.merged`, `member.erased` and a consent change (`member.updated`) are applied one by
 * one in their place, so a member's purchases before a merge are the merged record's.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(
    consumers: ConsumerFactory,
    followUps: RecordFollowUps,
    refills: RecordRefills,
    lifecycle: MemberLifecycle,
  ) {
    super();
    const run = async (purchases: PurchaseRecordedPayload[]) => {
      // The refill chains this process does not hold are read while the follow-ups go in.
      const refillRun = refills.prepare(purchases);
      await followUps.forSales(purchases);
      failpoint('care-plans.followups.inserted');
      for (const purchase of purchases)
        if (purchase.type === 'refund') await followUps.forRefund(purchase);
      await refillRun.apply();
    };
    const router = new EnvelopeRouter()
      .on(PURCHASE_RECORDED, PurchaseRecordedPayload, (payload) => run([payload]))
      .on(MEMBER_MERGED, MemberMergedPayload, async (payload) => {
        await lifecycle.merged(payload);
        refills.invalidateCachedChains(payload.survivorId, payload.mergedId);
      })
      .on(MEMBER_ERASED, MemberErasedPayload, async (payload) => {
        await lifecycle.erased(payload);
        refills.invalidateCachedChains(payload.memberId);
      })
      .on(MEMBER_UPDATED, MemberUpdatedPayload, (payload) => lifecycle.updated(payload));
    const handler: MessageHandler<EventEnvelope> = {
      decode: (message) => router.decode(message),
      apply: (message) => router.apply(message),
      applyBatch: (messages) => inRuns(messages, router, run),
    };
    this.consumer = consumers.create(CARE_MEMBER_EVENTS_GROUP, [Topics.membersEvents], handler, {
      maxBatchSize: RUN_SIZE,
    });
  }
}

/** Consecutive purchases go to `run` together; any other event to the router, in its place. */
async function inRuns(
  messages: DecodedMessage<EventEnvelope>[],
  router: EnvelopeRouter,
  run: (payloads: PurchaseRecordedPayload[]) => Promise<void>,
): Promise<void> {
  let stretch: PurchaseRecordedPayload[] = [];
  for (const message of messages) {
    if (message.value.type === PURCHASE_RECORDED) {
      stretch.push(message.value.payload as unknown as PurchaseRecordedPayload);
      continue;
    }
    if (stretch.length > 0) await run(stretch);
    stretch = [];
    await inMessageSpan(Topics.membersEvents, message, () => router.apply(message));
  }
  if (stretch.length > 0) await run(stretch);
}
