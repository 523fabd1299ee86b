import { Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  MEMBER_ERASED,
  MEMBER_MERGED,
  MemberErasedPayload,
  MemberMergedPayload,
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
import { RecordSales } from './analytics/record-sales';
import { MemberRecords } from './privacy/member-records';

export const COMPLAINTS_MEMBER_EVENTS_GROUP = 'complaints.member-events';
/** Most sales counted in one insert. */
const RUN_SIZE = 2000;

/**
 * members.events.v1 → complaints (its own group): sales counted per store and day (the
 * denominator of complaint rates), an erased member's cases lose the person, a merged member's
 * cases follow the survivor. Consecutive sales go in one insert; the other events one by one in
 * their place. Every effect is idempotent (a sale is keyed by its transaction), so a redelivery
 * changes nothing.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, records: MemberRecords, sales: RecordSales) {
    super();
    const router = new EnvelopeRouter()
      .on(PURCHASE_RECORDED, PurchaseRecordedPayload, (payload) => sales.execute([payload]))
      .on(MEMBER_ERASED, MemberErasedPayload, async (payload) => {
        await records.erase(payload);
      })
      .on(MEMBER_MERGED, MemberMergedPayload, async (payload) => {
        await records.merge(payload);
      });
    const handler: MessageHandler<EventEnvelope> = {
      decode: (message) => router.decode(message),
      apply: (message) => router.apply(message),
      applyBatch: (messages) => inRuns(messages, router, (run) => sales.execute(run)),
    };
    this.consumer = consumers.create(
      COMPLAINTS_MEMBER_EVENTS_GROUP,
      [Topics.membersEvents],
      handler,
      {
        maxBatchSize: RUN_SIZE,
      },
    );
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
