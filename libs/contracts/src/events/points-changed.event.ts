import { IsIn, IsInt, IsISO8601, IsOptional, IsString } from 'class-validator';
import { POINTS_ENTRY_KINDS, type PointsEntryKind } from '../loyalty/points.dto';

export const POINTS_EARNED = 'points.earned';
export const POINTS_REVERSED = 'points.reversed';

/** Payload of `points.earned` and `points.reversed` on loyalty.events.v1: one ledger entry. */
export class PointsChangedPayload {
  @IsString() memberId!: string;
  @IsString() entryId!: string;
  @IsIn(POINTS_ENTRY_KINDS) kind!: PointsEntryKind;
  @IsInt() points!: number;
  @IsOptional() @IsString() transactionId?: string;
  @IsISO8601() at!: string;
}
