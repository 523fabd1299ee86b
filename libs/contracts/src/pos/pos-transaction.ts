import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAINLAND_MOBILE } from '../members/member.enums';
import { COUPON_CODE, normalizeCouponCode } from '../loyalty/coupon-code';

/** An ATC code at any of its five levels: A, A10, A10B, A10BA, A10BA02. */
const ATC_CODE = /^[A-Za-z](\d{2}([A-Za-z]([A-Za-z](\d{2})?)?)?)?$/;

/** CONTRACTS.md §3: one line of a POS sale or refund. */
export class PosItem {
  @IsString() @IsNotEmpty() @MaxLength(64) sku!: string;
  @IsString() @MaxLength(200) name!: string;
  @IsString() @IsNotEmpty() @MaxLength(64) category!: string;
  @IsBoolean() rx!: boolean;
  @IsInt() @Min(1) quantity!: number;
  @IsInt() @Min(0) unitPriceCents!: number;
  @IsOptional() @IsInt() @Min(1) daysSupply?: number | null;
  /**
   * Optional v1 extension: the product's ATC code (any level, e.g. `M05BA04`), which tells
   * care-plans which therapy a refill continues (else the category does).
   */
  @IsOptional()
  @Matches(ATC_CODE, { message: 'atc must be an ATC code such as M05BA04' })
  atc?: string | null;
}

export class PosBuyer {
  @IsOptional()
  @Matches(/^[0-9a-f]{24}$/, { message: 'member.memberId must be a member id' })
  memberId?: string | null;
  @IsOptional()
  @Matches(MAINLAND_MOBILE, { message: 'member.phone must be a mainland mobile number' })
  phone?: string | null;
}

export const POS_TRANSACTION_TYPES = ['sale', 'refund'] as const;

/** CONTRACTS.md §3: the value of a message on `pos.transactions.v1`. */
export class PosTransaction {
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,80}$/, {
    message: 'transactionId must be 1–80 letters, digits or ._:-',
  })
  transactionId!: string;

  @IsIn(POS_TRANSACTION_TYPES) type!: (typeof POS_TRANSACTION_TYPES)[number];

  /** Required on refunds: the sale being refunded. */
  @ValidateIf(
    (t: PosTransaction) => t.type === 'refund' || (t.originalTransactionId ?? null) !== null,
  )
  @IsString()
  @IsNotEmpty()
  originalTransactionId!: string | null;

  @IsString()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'storeId must be a store code such as S001' })
  storeId!: string;
  @IsString() @IsNotEmpty() @MaxLength(40) region!: string;
  @IsISO8601({ strict: true }) occurredAt!: string;

  @IsObject() @ValidateNested() @Type(() => PosBuyer) member!: PosBuyer;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PosItem)
  items!: PosItem[];

  @IsInt() @Min(0) totalCents!: number;
  @IsOptional() @IsString() @MaxLength(40) cashierId?: string;

  /** Coupons the till took on a sale (v1 extension, optional): loyalty redeems each once. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @Transform(({ value }) => (Array.isArray(value) ? value.map(normalizeCouponCode) : value))
  @Matches(COUPON_CODE, {
    each: true,
    message: 'couponCodes must be coupon codes: 10 letters and digits, no 0, 1, I, L or O',
  })
  couponCodes?: string[];
}
