import {
  IsISO8601,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
} from 'class-validator';

/** CONTRACTS.md §5: every domain event travels in this envelope. */
export interface EventEnvelope<TPayload = Record<string, unknown>> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  key: string;
  traceparent: string | null;
  payload: TPayload;
}

/** Validation of an envelope read from Kafka; payloads are validated by each event's class. */
export class EventEnvelopeContract {
  @IsString() @IsNotEmpty() id!: string;
  @IsString()
  @Matches(/^[a-z]+(\.[a-z_]+)+$/, { message: 'type must look like "member.registered"' })
  type!: string;
  @IsInt() @Min(1) version!: number;
  @IsISO8601() occurredAt!: string;
  @IsString() @IsNotEmpty() source!: string;
  @IsString() @IsNotEmpty() key!: string;
  @IsOptional() @IsString() traceparent!: string | null;
  @IsObject() payload!: Record<string, unknown>;
}
