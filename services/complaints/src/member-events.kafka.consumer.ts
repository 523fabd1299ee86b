import { Injectable } from '@nestjs/common';
import {
  type EventEnvelope,
  MEMBER_ERASED,
  MEMBER_MERGED,
  MemberErasedPayload,
  MemberMergedPayload,
  Topics,
} from '@crm/contracts';
import { EnvelopeRouter, type MessageHandler } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { MemberRecords } from './privacy/member-records';

export const COMPLAINTS_MEMBER_EVENTS_GROUP = 'complaints.member-events';

/**
 * members.events.v1 → complaints (its own group): an erased member's cases lose the person, a
 * merged member's cases follow the survivor. Other events on the topic are not for complaints
 * (the router passes them by). Both effects are idempotent, so a redelivery changes nothing.
 */
@Injectable()
export class MemberEventsConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, records: MemberRecords) {
    super();
    const router = new EnvelopeRouter()
      .on(MEMBER_ERASED, MemberErasedPayload, async (payload) => {
        await records.erase(payload);
      })
      .on(MEMBER_MERGED, MemberMergedPayload, async (payload) => {
        await records.merge(payload);
      });
    const handler: MessageHandler<EventEnvelope> = {
      decode: (message) => router.decode(message),
      apply: (message) => router.apply(message),
    };
    this.consumer = consumers.create(
      COMPLAINTS_MEMBER_EVENTS_GROUP,
      [Topics.membersEvents],
      handler,
    );
  }
}
