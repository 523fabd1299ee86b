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

/** The figures of one cell, by name (what `withheld` lists). */
export const MEMBER_FIGURES = [
  'members',
  'newMembers',
  'activeMembers',
  'lapsedMembers',
  'purchases',
  'spendCents',
  'averageTicketCents',
  'returnRate',
] as const;
export type MemberFigureName = (typeof MEMBER_FIGURES)[number];

const WITHHELD =
  ' Null when withheld: see `withheld` and `minGroupSize` (roles that see aggregates only).';

/**
 * One cell of member figures. For roles that see aggregates only (hq_analyst), a figure that
 * counts 1 to minGroupSize − 1 people, or is derived from so few (the spend, average ticket
 * and return rate of fewer buyers), is null and named in `withheld`.
 */
export class MemberFigures {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Members registered by the end of the period.' + WITHHELD,
  })
  members!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Registered within the period.' + WITHHELD,
  })
  newMembers!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Bought within the period.' + WITHHELD,
  })
  activeMembers!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Bought before, but not in the last 3 months of the period.' + WITHHELD,
  })
  lapsedMembers!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Sales within the period.' + WITHHELD })
  purchases!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Spend net of refunds within the period, integer cents CNY.' + WITHHELD,
  })
  spendCents!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '客单价: spend / purchases; null without purchases.' + WITHHELD,
  })
  averageTicketCents!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      '回头率: share of the period’s buyers who bought at least twice in it; null without buyers.' +
      WITHHELD,
  })
  returnRate!: number | null;
  @ApiProperty({
    enum: MEMBER_FIGURES,
    isArray: true,
    example: [],
    description: 'The figures of this cell withheld because they describe too few people',
  })
  withheld!: MemberFigureName[];
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
  @ApiProperty({
    type: [MemberFiguresGroup],
    description: 'Largest first; groups whose member count is withheld come last, by key',
  })
  groups!: MemberFiguresGroup[];
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 5,
    description:
      'The smallest group whose figures are shown to this role (MIN_GROUP_SIZE); null when this role sees exact figures',
  })
  minGroupSize!: number | null;
  @ApiProperty({ format: 'date-time' }) computedAt!: string;
}
