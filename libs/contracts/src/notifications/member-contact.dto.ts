import { IsIn, Matches } from 'class-validator';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './send-notification.dto';

/**
 * `members.v1.contact`: where to reach a member on one channel, asked by notifications at the
 * moment it sends (never stored there), with the member's marketing consent for that channel.
 * A merged duplicate answers for its survivor; an erased member answers `erased` and no address.
 */
export class MemberContactRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  @IsIn(NOTIFICATION_CHANNELS) channel!: NotificationChannel;
}

export interface MemberContactView {
  memberId: string;
  channel: NotificationChannel;
  /**
   * Phone for sms and call, e-mail for email, the member id for app (the app signs in as the
   * member and push goes to their devices); null when the member has none for the channel.
   */
  address: string | null;
  marketingConsent: boolean;
  erased: boolean;
  /** The member's home store: where a call task for them is listed. */
  homeStoreId?: string | null;
}
