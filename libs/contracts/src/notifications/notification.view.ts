import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MemberTimelineRequest } from '../timeline/member-timeline.dto';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PURPOSES,
  NOTIFICATION_STATUSES,
  type NotificationChannel,
  type NotificationPurpose,
  type NotificationStatus,
} from './send-notification.dto';

/** `GET /api/v1/members/{id}/notifications` and `notifications.v1.list`: a member, a page. */
export class ListMemberNotificationsRequest extends MemberTimelineRequest {}

export class NotificationHistoryEntry {
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: NotificationStatus;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional() reason?: string;
}

/** One message as the desk sees it: ids, state and reasons; never the address or the text. */
export class NotificationView {
  @ApiProperty() messageId!: string;
  @ApiProperty({ enum: NOTIFICATION_CHANNELS }) channel!: NotificationChannel | null;
  @ApiProperty({ enum: NOTIFICATION_PURPOSES }) purpose!: NotificationPurpose;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: NotificationStatus;
  @ApiPropertyOptional({ description: 'Why it was skipped, deferred or failed' }) reason?: string;
  @ApiProperty() cause!: string;
  @ApiPropertyOptional() campaignId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it is (or was) due to go out' })
  dueAt!: string;
  @ApiPropertyOptional({ description: 'The provider that took it' }) provider?: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'An urgent clinical alert sent inside quiet hours' })
  quietHoursBypassed!: boolean;
  @ApiProperty({ type: [NotificationHistoryEntry] }) history!: NotificationHistoryEntry[];
}

export class NotificationList {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
}
