import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PURPOSES,
  type NotificationChannel,
  type NotificationPurpose,
} from './send-notification.dto';

export const MESSAGE_SENT = 'message.sent';
export const MESSAGE_DELIVERED = 'message.delivered';
export const MESSAGE_FAILED = 'message.failed';
export const MESSAGE_REPLIED = 'message.replied';

/** Payload of `message.*` on notifications.events.v1: ids and facts, never an address or text. */
export class MessageEventPayload {
  @IsString() messageId!: string;
  @IsString() memberId!: string;
  @IsIn(NOTIFICATION_CHANNELS) channel!: NotificationChannel;
  @IsIn(NOTIFICATION_PURPOSES) purpose!: NotificationPurpose;
  @IsString() cause!: string;
  @IsOptional() @IsString() provider?: string;
  @IsOptional() @IsString() reason?: string;
  /** For `message.replied`: whether the reply was an opt-out (its text is not carried). */
  @IsOptional() optOut?: boolean;
  @IsISO8601() at!: string;
}
