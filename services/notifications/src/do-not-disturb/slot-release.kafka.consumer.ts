import { Injectable } from '@nestjs/common';
import { MESSAGE_FAILED, MessageEventPayload, Topics } from '@crm/contracts';
import { EnvelopeRouter } from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { SlotPools } from './slot-pools';

export const NOTIFICATIONS_SLOT_RELEASE_GROUP = 'notifications.slot-release';

/**
 * A message that finally failed (dead-lettered, or refused for good) never reached the member:
 * its cap and budget slots are given back. Read from our own `message.failed` events, which are
 * written once with the failure (outbox), so a crash between the failure and the release only
 * delays it; releasing twice deletes nothing the second time.
 */
@Injectable()
export class SlotReleaseConsumer extends ConsumerHost {
  protected readonly consumer;

  constructor(consumers: ConsumerFactory, pools: SlotPools) {
    super();
    const router = new EnvelopeRouter().on(MESSAGE_FAILED, MessageEventPayload, async (payload) => {
      await pools.release(payload.messageId);
    });
    this.consumer = consumers.create(
      NOTIFICATIONS_SLOT_RELEASE_GROUP,
      [Topics.notificationsEvents],
      router,
    );
  }
}
