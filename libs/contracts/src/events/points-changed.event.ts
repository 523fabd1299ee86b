import { IsIn, IsInt, IsISO8601, IsOptional, IsString } from 'class-validator';
import { POINTS_ENTRY_KINDS, type PointsEntryKind } from '../loyalty/points.dto';

export const POINTS_EARNED = 'points.earned';
export const POINTS_REVERSED = 'points.reversed';
export const POINTS_REDEEMED = 'points.redeemed';
export const POINTS_ADJUSTED = 'points.adjusted';
export const POINTS_EXPIRED = 'points.expired';
export const POINTS_EXPIRING = 'points.expiring';
/** A one-off bonus (profile completed, survey answered, useful suggestion): kind `bonus`. */
export const POINTS_BONUS = 'points.bonus';

/** Payload of the `points.*` events on loyalty.events.v1: one ledger entry. */
export class PointsChangedPayload {
  @IsString() memberId!: string;
  @IsString() entryId!: string;
  @IsIn(POINTS_ENTRY_KINDS) kind!: PointsEntryKind;
  @IsInt() points!: number;
  @IsOptional() @IsString() transactionId?: string;
  /** On redemptions: the catalogue reward, and how many, to hand over. */
  @IsOptional() @IsString() rewardId?: string;
  @IsOptional() @IsInt() quantity?: number;
  @IsISO8601() at!: string;
}

/** Payload of `points.expiring`: points that expire at `expiresAt` unless spent, so the member can be told. */
export class PointsExpiringPayload {
  @IsString() memberId!: string;
  @IsInt() points!: number;
  @IsISO8601() expiresAt!: string;
}
