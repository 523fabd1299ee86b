import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export const PROVIDER_EVENT_STATUSES = ['accepted', 'delivered', 'failed', 'replied'] as const;
export type ProviderEventStatus = (typeof PROVIDER_EVENT_STATUSES)[number];

/** A provider's signed callback body (CONTRACTS.md §4). */
export class ProviderWebhookEvent {
  @ApiProperty({ example: 'evt_1' })
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'eventId must be 1–100 of A-Z a-z 0-9 _ . : -' })
  eventId!: string;

  @ApiProperty({ description: 'The id we sent the message with' })
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'messageId must be a message id' })
  messageId!: string;

  @ApiProperty({ enum: PROVIDER_EVENT_STATUSES })
  @IsIn(PROVIDER_EVENT_STATUSES)
  status!: ProviderEventStatus;

  @ApiProperty({ example: '2026-11-22T09:16:00+08:00' })
  @IsISO8601({ strict: true })
  occurredAt!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The member’s reply text' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reply?: string | null;

  @ApiPropertyOptional({ description: 'The provider’s own id for the message' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  providerMessageId?: string;
}

/** `notifications.v1.webhook`: a callback the gateway verified, from the provider it names. */
export class ApplyProviderEventCommand {
  @Matches(/^[a-z0-9]{1,30}$/, { message: 'provider must be a provider name' })
  provider!: string;

  @ValidateNested()
  @Type(() => ProviderWebhookEvent)
  event!: ProviderWebhookEvent;
}

export interface ApplyProviderEventResult {
  /** false for a replayed event id or a message we do not know: acknowledged, no effect. */
  applied: boolean;
  reason?: string;
}
