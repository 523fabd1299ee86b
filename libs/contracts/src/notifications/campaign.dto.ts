import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { NOTIFICATION_PURPOSES, type NotificationPurpose } from './send-notification.dto';

/** Channels a campaign sends on: `call` is a task for staff, not a message to a segment. */
export const CAMPAIGN_CHANNELS = ['sms', 'email', 'wechat', 'app'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/**
 * CONTRACTS.md §2: `scheduled` (waiting for its time, or for a replica to take it up),
 * `running`, `done` (every recipient handled: sent, deferred to after quiet hours, skipped or
 * failed), `cancelled` (stopped by staff; what had gone out stays out).
 */
export const CAMPAIGN_STATUSES = ['scheduled', 'running', 'done', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_ID = /^cmp_[0-9a-z]{20}$/;
/** Most messages a campaign may send per second (its `perSecond` throttle). */
export const MAX_CAMPAIGN_PER_SECOND = 10_000;
/** How far ahead a campaign may be scheduled. */
export const MAX_CAMPAIGN_SCHEDULE_DAYS = 90;

/** The text in the languages members read (their preference; zh-CN when they state none). */
export class CampaignContent {
  @ApiPropertyOptional({ example: '会员日全场95折，{{date}}见！回复TD退订' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  'zh-CN'?: string;

  @ApiPropertyOptional({
    example: 'Member day: 5% off everything on {{date}}. Reply STOP to opt out',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  en?: string;
}

/** `POST /api/v1/campaigns` (CONTRACTS.md §2): one message to every member of a saved segment. */
export class CreateCampaignRequest {
  @ApiProperty({ example: 'Member day, March, S001' })
  @CleanText()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    example: '6740a1f2c3b4d5e6f7a8b9c1',
    description: 'A saved segment (`POST /segments`)',
  })
  @Matches(/^[0-9a-f]{24}$/, { message: 'segmentId must be a segment id' })
  segmentId!: string;

  @ApiProperty({ enum: CAMPAIGN_CHANNELS })
  @IsIn(CAMPAIGN_CHANNELS, { message: `channel must be one of ${CAMPAIGN_CHANNELS.join(', ')}` })
  channel!: CampaignChannel;

  @ApiProperty({
    enum: NOTIFICATION_PURPOSES,
    description:
      'marketing needs each member’s marketing consent for the channel and counts against the ' +
      'yearly caps; service and clinical campaigns (a recall, a store closing) are for admins',
  })
  @IsIn(NOTIFICATION_PURPOSES)
  purpose!: NotificationPurpose;

  @ApiPropertyOptional({ description: 'A notification template; else `content`' })
  @ValidateIf((r: CreateCampaignRequest) => r.content === undefined)
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'templateId must be a template id' })
  templateId?: string;

  @ApiPropertyOptional({
    type: CampaignContent,
    description: 'The text itself, when no template is named',
  })
  @ValidateIf((r: CreateCampaignRequest) => r.templateId === undefined)
  @IsObject({ message: 'content must be an object of texts by language ({ "zh-CN", "en" })' })
  @ValidateNested()
  @Type(() => CampaignContent)
  content?: CampaignContent;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: '`{{variable}}` values, the same for every recipient',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;

  @ApiPropertyOptional({
    format: 'date-time',
    description: `When to start (ISO 8601, at most ${MAX_CAMPAIGN_SCHEDULE_DAYS} days ahead); now when absent`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_CAMPAIGN_PER_SECOND,
    description:
      'Throttle: at most this many messages a second; as fast as the providers take them when absent',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CAMPAIGN_PER_SECOND)
  perSecond?: number;
}

/** `notifications.v1.campaigns.create`: the request and the route's Idempotency-Key. */
export class CreateCampaignCommand extends CreateCampaignRequest {
  @Matches(/^[A-Za-z0-9_.:-]{8,100}$/, {
    message: 'Idempotency-Key must be 8–100 letters, digits or _.:- (a UUID will do)',
  })
  idempotencyKey!: string;
}

export class CampaignIdRequest {
  @Matches(CAMPAIGN_ID, { message: 'id must be a campaign id' }) id!: string;
}

export class CampaignStaff {
  @ApiProperty() staffId!: string;
  @ApiProperty({ type: String, nullable: true }) storeId!: string | null;
}

/**
 * `GET /api/v1/campaigns/{id}`: progress counted from the campaign's messages themselves, so
 * the figures are exact after any crash or takeover. `total` = `sent` + `queued` + `deferred`
 * + the `skipped` counts + `failed` + `remaining`.
 */
export class CampaignView {
  @ApiProperty({ example: 'cmp_k3j9d2m4q8w1e5r7t0y6' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() segmentId!: string;
  @ApiProperty({ enum: CAMPAIGN_CHANNELS }) channel!: CampaignChannel;
  @ApiProperty({ enum: NOTIFICATION_PURPOSES }) purpose!: NotificationPurpose;
  @ApiPropertyOptional() templateId?: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status!: CampaignStatus;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) scheduledAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) perSecond!: number | null;
  @ApiProperty({ type: CampaignStaff }) createdBy!: CampaignStaff;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt!: string | null;
  @ApiPropertyOptional({
    description: 'Why the campaign stopped before it was done (e.g. its segment is gone)',
  })
  reason?: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The segment's members when the campaign started (null until it has been read)",
  })
  total!: number | null;
  @ApiProperty({ description: 'Taken by a provider (sent, delivered or replied)' }) sent!: number;
  @ApiProperty({ description: 'Of `sent`, those the provider reported delivered (or replied to)' })
  delivered!: number;
  @ApiProperty({ description: 'Decided and waiting for (or in) their delivery attempt' })
  queued!: number;
  @ApiProperty({ description: 'Waiting for the end of the member’s quiet hours' })
  deferred!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'no-marketing-consent': 120, 'cap-reached': 3 },
    description: 'Members not sent to, by reason',
  })
  skipped!: Record<string, number>;
  @ApiProperty({ description: 'Refused by the providers or dead-lettered' }) failed!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Members not handled yet' })
  remaining!: number | null;
}

export const CAMPAIGN_FINISHED = 'campaign.finished';

/** Payload of `campaign.finished` on notifications.events.v1: counts, never members. */
export class CampaignFinishedPayload {
  @IsString() campaignId!: string;
  @IsIn(['done', 'cancelled']) outcome!: 'done' | 'cancelled';
  @IsIn(NOTIFICATION_PURPOSES) purpose!: NotificationPurpose;
  @IsIn(CAMPAIGN_CHANNELS) channel!: CampaignChannel;
  @IsInt() total!: number;
  @IsInt() sent!: number;
  @IsInt() queued!: number;
  @IsInt() deferred!: number;
  @IsObject() skipped!: Record<string, number>;
  @IsInt() failed!: number;
  /** Recipients not handled because the campaign was cancelled first. */
  @IsInt() notSent!: number;
  @IsISO8601() at!: string;
}
