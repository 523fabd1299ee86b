import { Injectable } from '@nestjs/common';
import {
  MEMBER_ERASED,
  MEMBER_MERGED,
  MemberErasedPayload,
  MemberMergedPayload,
  Topics,
} from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { MemberPrivacy } from './member-privacy';

export const NOTIFICATIONS_MEMBER_PRIVACY_GROUP = 'notifications.member-privacy';

/** members.events.v1 → erasure and merges (its own group: the welcome note does not wait on them). */
@Injectable()
export class MemberPrivacyConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, privacy: MemberPrivacy) {
    super();
    const router = new EnvelopeRouter()
      .on(MEMBER_ERASED, MemberErasedPayload, (payload) =>
        privacy.erase(payload.memberId, new Date(payload.erasedAt)),
      )
      .on(MEMBER_MERGED, MemberMergedPayload, (payload) =>
        privacy.merge(payload.mergedId, payload.survivorId),
      );
    this.consumer = consumers.create(
      NOTIFICATIONS_MEMBER_PRIVACY_GROUP,
      [Topics.membersEvents],
      router,
    );
  }
}
