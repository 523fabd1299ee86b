import { Injectable } from '@nestjs/common';
import type { NotificationChannel } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import { yearBefore } from './marketing-cap';
import { SlotPools } from './slot-pools';

/** Takes a marketing cap slot for a message (see marketing-cap.ts for why it is exact). */
@Injectable()
export class MarketingCaps {
  constructor(
    private readonly pools: SlotPools,
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
  take(
    memberId: string,
    channel: NotificationChannel,
    messageId: string,
    now: Date,
  ): Promise<boolean> {
    return this.pools.take(
      { memberId, pool: channel, size: this.capOf(channel), windowStart: yearBefore(now) },
      messageId,
      now,
    );
  }

  /** `take` for a batch; answers in the order asked. */
  takeMany(
    asks: readonly { memberId: string; channel: NotificationChannel; messageId: string }[],
    now: Date,
  ): Promise<boolean[]> {
    return this.pools.takeMany(
      asks.map(({ memberId, channel, messageId }) => ({
        pool: { memberId, pool: channel, size: this.capOf(channel), windowStart: yearBefore(now) },
        messageId,
      })),
      now,
    );
  }

  /** The size and window of a channel's cap pool now. */
  poolShape(channel: NotificationChannel, now: Date) {
    return { size: this.capOf(channel), windowStart: yearBefore(now) };
  }

  /** Gives a message's cap slot back (its budget slot was refused, or it finally failed). */
  release(messageId: string, channel: NotificationChannel): Promise<number> {
    return this.pools.release(messageId, channel);
  }
}
