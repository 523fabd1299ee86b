import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** `GET /api/v1/members/{id}/purchases` and the `members.v1.purchases` request. */
export class ListPurchasesRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class PurchaseLineView {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() category!: string;
  @ApiProperty() rx!: boolean;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPriceCents!: number;
  @ApiProperty({ type: Number, nullable: true }) daysSupply?: number | null;
}

export class PurchaseView {
  @ApiProperty({ example: 'S001-20261122-000123' }) transactionId!: string;
  @ApiProperty({ enum: ['sale', 'refund'] }) type!: 'sale' | 'refund';
  @ApiProperty({ type: String, nullable: true }) originalTransactionId!: string | null;
  @ApiProperty({ example: 'S001' }) storeId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: 'Integer cents, CNY' }) totalCents!: number;
  @ApiProperty({ type: [PurchaseLineView] }) items!: PurchaseLineView[];
}

export class PurchaseList {
  @ApiProperty({ type: [PurchaseView] }) items!: PurchaseView[];
}
