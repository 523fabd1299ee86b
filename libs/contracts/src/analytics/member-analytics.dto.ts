import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

export const ANALYTICS_DIMENSIONS = [
  'gender',
  'ageBand',
  'region',
  'store',
  'channel',
  'grade',
] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `GET /api/v1/analytics/members` and `members.v1.analytics`: months in China time, inclusive. */
export class MemberAnalyticsRequest {
  @ApiProperty({ example: '2026-01', description: 'First month (YYYY-MM)' })
  @Matches(MONTH, { message: 'from must be a month such as 2026-01' })
  from!: string;

  @ApiProperty({ example: '2026-11', description: 'Last month (YYYY-MM), at most 24 after from' })
  @Matches(MONTH, { message: 'to must be a month such as 2026-11' })
  to!: string;

  @ApiPropertyOptional({ example: 'S001', description: "Only this home store's members" })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'storeId must be a store code such as S001' })
  storeId?: string;

  @ApiPropertyOptional({
    enum: ANALYTICS_DIMENSIONS,
    description: 'Also break the figures down by',
  })
  @IsOptional()
  @IsIn(ANALYTICS_DIMENSIONS)
  by?: AnalyticsDimension;
}

export class MemberFigures {
  @ApiProperty({ description: 'Members registered by the end of the period' }) members!: number;
  @ApiProperty({ description: 'Registered within the period' }) newMembers!: number;
  @ApiProperty({ description: 'Bought within the period' }) activeMembers!: number;
  @ApiProperty({ description: 'Bought before, but not in the last 3 months of the period' })
  lapsedMembers!: number;
  @ApiProperty({ description: 'Sales within the period' }) purchases!: number;
  @ApiProperty({ description: 'Spend net of refunds within the period, integer cents CNY' })
  spendCents!: number;
  @ApiProperty({ type: Number, nullable: true, description: '客单价: spend / purchases' })
  averageTicketCents!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '回头率: share of the period’s buyers who bought at least twice in it',
  })
  returnRate!: number | null;
}

export class MemberFiguresGroup extends MemberFigures {
  @ApiProperty({ example: 'female' }) key!: string;
}

export class MemberAnalytics {
  @ApiProperty({ example: { from: '2026-01', to: '2026-11' } }) period!: {
    from: string;
    to: string;
  };
  @ApiProperty({ type: String, nullable: true }) storeId!: string | null;
  @ApiProperty({ type: MemberFigures }) totals!: MemberFigures;
  @ApiProperty({ type: String, nullable: true, enum: ANALYTICS_DIMENSIONS }) by!: string | null;
  @ApiProperty({ type: [MemberFiguresGroup] }) groups!: MemberFiguresGroup[];
  @ApiProperty({ format: 'date-time' }) computedAt!: string;
}
