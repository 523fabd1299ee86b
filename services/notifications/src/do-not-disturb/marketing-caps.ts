import { Injectable } from '@nestjs/common';
import type { NotificationChannel } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import { yearBefore } from './marketing-cap';
import type { SlotPool } from './slot-pools';

/** The marketing caps as slot pools (see marketing-cap.ts for why they are exact). */
@Injectable()
export class MarketingCaps {
  constructor(private readonly config: NotificationsConfig) {}

  capOf(channel: NotificationChannel): number {
    const caps: Partial<Record<NotificationChannel, number>> = {
      sms: this.config.MARKETING_CAP_SMS,
      email: this.config.MARKETING_CAP_EMAIL,
      wechat: this.config.MARKETING_CAP_WECHAT,
      app: this.config.MARKETING_CAP_APP,
    };
    return caps[channel] ?? 0;
  }

  /** A member's cap pool for a channel now: a marketing message needs a slot of it. */
  poolOf(memberId: string, channel: NotificationChannel, now: Date): SlotPool {
    return { memberId, pool: channel, ...this.poolShape(channel, now) };
  }

  /** The size and window of a channel's cap pool now. */
  poolShape(channel: NotificationChannel, now: Date) {
    return { size: this.capOf(channel), windowStart: yearBefore(now) };
  }
}
