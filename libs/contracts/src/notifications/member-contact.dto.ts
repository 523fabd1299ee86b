import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, Matches } from 'class-validator';
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

/** The most members one `members.v1.contacts` asks for: a campaign's or a delivery's batch. */
export const MAX_CONTACTS_PER_REQUEST = 500;

/**
 * `members.v1.contacts`: `members.v1.contact` for a batch of members on one channel, so that a
 * campaign page or a batch of deliveries costs one request rather than one each.
 */
export class MemberContactsRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONTACTS_PER_REQUEST)
  @Matches(/^[0-9a-f]{24}$/, { each: true, message: 'each id must be a member id' })
  ids!: string[];
  @IsIn(NOTIFICATION_CHANNELS) channel!: NotificationChannel;
}

/** One answer per id asked, in the order asked; `notFound` where `members.v1.contact` says MEMBER.NOT_FOUND. */
export interface MemberContactsView {
  items: ({ id: string } & ({ contact: MemberContactView } | { notFound: true }))[];
}
