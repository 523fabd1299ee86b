import { Injectable } from '@nestjs/common';
import type { NotificationChannel } from '@crm/contracts';
import { MessagesRepository } from '../messages/messages.repository';
import { NotificationsConfig } from '../notifications.config';
import { capSlotId, nextSlotUse } from './marketing-cap';

/** Takes a marketing cap slot for a message (see marketing-cap.ts for why it is exact). */
@Injectable()
export class MarketingCaps {
  constructor(
    private readonly store: MessagesRepository,
    private readonly config: NotificationsConfig,
  ) {}

  capOf(channel: NotificationChannel): number {
    const caps: Partial<Record<NotificationChannel, number>> = {
      sms: this.config.MARKETING_CAP_SMS,
      email: this.config.MARKETING_CAP_EMAIL,
      wechat: this.config.MARKETING_CAP_WECHAT,
      app: this.config.MARKETING_CAP_APP,
    };
    return caps[channel] ?? 0;
  }

  /**
   * True when the message holds a slot: one it took before (a retried decision takes no
   * second), or a new one. False when the member's cap for the channel is spent.
   */
  async take(
    memberId: string,
    channel: NotificationChannel,
    messageId: string,
    now: Date,
  ): Promise<boolean> {
    if (await this.store.capSlots.findOne({ messageId })) return true;
    const cap = this.capOf(channel);
    // Each lost race means another message took a use; there are at most 2 × cap of them to lose to.
    for (let round = 0; round <= cap * 2; round++) {
      const uses = await this.store.capSlots.find({ memberId, channel }).toArray();
      const next = nextSlotUse(uses, cap, now);
      if (!next) return false;
      const taken = await this.store.capSlots
        .insertOne({
          _id: capSlotId(memberId, channel, next.slot, next.use),
          memberId,
          channel,
          slot: next.slot,
          use: next.use,
          takenAt: now,
          messageId,
        })
        .then(
          () => true,
          (error: { code?: number }) => {
            if (error?.code === 11000) return false;
            throw error;
          },
        );
      if (taken) return true;
    }
    return false;
  }
}
