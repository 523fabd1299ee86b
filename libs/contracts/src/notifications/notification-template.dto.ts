import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PURPOSES,
  type NotificationChannel,
  type NotificationPurpose,
} from './send-notification.dto';

export const NOTIFICATION_LANGUAGES = ['zh-CN', 'en'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];
/** A template's key; a send names `<key>` (the newest version) or `<key>:v<n>` (that version). */
export const NOTIFICATION_TEMPLATE_KEY = /^[a-z0-9][a-z0-9.-]{1,59}$/;
export const TEMPLATE_VARIABLE_NAME = /^[A-Za-z0-9_]{1,40}$/;

/** A message body in each language; `{{variable}}` placeholders name declared variables. */
export class TemplateBodies {
  @ApiProperty({ example: '您好{{name}}，您的{{points}}积分将于{{expiresAt}}到期。' })
  @CleanText({ multiline: true })
  @IsString()
  @Length(1, 2000)
  'zh-CN'!: string;

  @ApiProperty({ example: 'Hello {{name}}, {{points}} points expire on {{expiresAt}}.' })
  @CleanText({ multiline: true })
  @IsString()
  @Length(1, 2000)
  en!: string;
}

/**
 * Body of `POST /api/v1/notification-templates` (admin): a new template, or the next version
 * of one. Versions are inserted once and never changed, so a message records the version it
 * was rendered from and a later edit never rewrites what a member was sent.
 */
export class NotificationTemplateRequest {
  @ApiProperty({ example: 'points-expiring', description: '2–60 of a-z 0-9 . -' })
  @Matches(NOTIFICATION_TEMPLATE_KEY, { message: 'key must be 2–60 of a-z 0-9 . -' })
  key!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiProperty({ enum: NOTIFICATION_PURPOSES })
  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @ApiProperty({ type: TemplateBodies })
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateBodies)
  bodies!: TemplateBodies;

  @ApiProperty({
    type: [String],
    example: ['name', 'points', 'expiresAt'],
    description: 'Every {{variable}} the bodies use must be declared here',
  })
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @Matches(TEMPLATE_VARIABLE_NAME, {
    each: true,
    message: 'each variable must be 1–40 of A-Z a-z 0-9 _',
  })
  variables!: string[];
}

export class NotificationTemplateView extends NotificationTemplateRequest {
  @ApiProperty({ example: 'points-expiring:v1', description: '`<key>:v<version>`' })
  templateId!: string;
  @ApiProperty({ description: 'Saving the same key again makes the next version' })
  version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional() createdBy?: string;
}

/** `GET /api/v1/notification-templates`: the newest version of each, optionally by channel or purpose. */
export class ListNotificationTemplatesRequest {
  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS })
  @IsOptional()
  @IsIn(NOTIFICATION_CHANNELS)
  channel?: NotificationChannel;

  @ApiPropertyOptional({ enum: NOTIFICATION_PURPOSES })
  @IsOptional()
  @IsIn(NOTIFICATION_PURPOSES)
  purpose?: NotificationPurpose;
}

export class NotificationTemplateList {
  @ApiProperty({ type: [NotificationTemplateView], description: 'The newest version of each' })
  items!: NotificationTemplateView[];
}

/** `notifications.v1.templates.save`: the template and who saves it. */
export class SaveNotificationTemplateCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationTemplateRequest)
  template!: NotificationTemplateRequest;

  @IsOptional() @IsString() @Length(1, 100) by?: string;
}
