import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { POS_TRANSACTION_TYPES } from '../pos/pos-transaction';

export const PURCHASE_RECORDED = 'purchase.recorded';

/** A purchased line as other services need it (earning rules, refills): no product names. */
export class PurchasedItem {
  @IsString() sku!: string;
  @IsString() category!: string;
  @IsBoolean() rx!: boolean;
  @IsInt() @Min(1) quantity!: number;
  @IsInt() @Min(0) unitPriceCents!: number;
  @IsOptional() @IsInt() daysSupply?: number | null;
  /** The product's ATC code, when the POS sent one (the therapy a refill continues). */
  @IsOptional() @IsString() atc?: string | null;
}

/** Payload of `purchase.recorded` on members.events.v1: a member's sale or refund. */
export class PurchaseRecordedPayload {
  @IsString() transactionId!: string;
  @IsIn(POS_TRANSACTION_TYPES) type!: (typeof POS_TRANSACTION_TYPES)[number];
  @IsOptional() @IsString() originalTransactionId!: string | null;
  @IsString() memberId!: string;
  @IsString() storeId!: string;
  @IsISO8601() occurredAt!: string;
  @IsInt() totalCents!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => PurchasedItem) items!: PurchasedItem[];
  /** Coupon codes the sale carried (added in v1, optional). */
  @IsOptional() @IsArray() @IsString({ each: true }) couponCodes?: string[];
}
