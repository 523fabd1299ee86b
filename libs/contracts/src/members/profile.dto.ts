import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';

export const EDUCATION_LEVELS = [
  'primary',
  'secondary',
  'vocational',
  'bachelor',
  'postgraduate',
  'unspecified',
] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** Monthly household income bands, CNY. */
export const INCOME_BANDS = ['<3000', '3000-8000', '8000-15000', '15000-30000', '>30000'] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];

export const MARITAL_STATUSES = [
  'single',
  'married',
  'divorced',
  'widowed',
  'unspecified',
] as const;
export type MaritalStatus = (typeof MARITAL_STATUSES)[number];

export const IMPORTANT_DATE_KINDS = ['birthday', 'anniversary', 'other'] as const;

/** Where the member lives: stores serve about 15 minutes' walk, so region and district matter. */
export class Address {
  @ApiPropertyOptional({ example: '上海市' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(40)
  region?: string;

  @ApiPropertyOptional({ example: '浦东新区' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(40)
  district?: string;

  @ApiPropertyOptional({ example: '张杨路 100 弄 3 号 502 室' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(200)
  street?: string;

  @ApiPropertyOptional({ example: '200120' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'postalCode must be 6 digits' })
  postalCode?: string;
}

export class ImportantDate {
  @ApiProperty({ enum: IMPORTANT_DATE_KINDS, example: 'anniversary' })
  @IsIn(IMPORTANT_DATE_KINDS)
  kind!: (typeof IMPORTANT_DATE_KINDS)[number];

  @ApiProperty({ example: '05-20', description: 'MM-DD (yearly)' })
  @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be MM-DD' })
  date!: string;

  @ApiPropertyOptional({ example: 'wedding anniversary' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(60)
  label?: string;
}

export class Lifestyle {
  @ApiPropertyOptional({ example: ['morning walks', 'no smoking'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @CleanText({ each: true })
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  habits?: string[];

  @ApiPropertyOptional({ example: ['tai chi', 'calligraphy'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @CleanText({ each: true })
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  hobbies?: string[];

  @ApiPropertyOptional({ type: [ImportantDate] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ImportantDate)
  importantDates?: ImportantDate[];
}

/**
 * The optional profile fields a member may give at registration and change later (DOMAIN.md,
 * Members: basic, contact, address, lifestyle, employer and title).
 */
export class ProfileDetails {
  @ApiPropertyOptional({ example: '021-58881234' })
  @IsOptional()
  @Matches(/^0\d{2,3}-?\d{7,8}$/, { message: 'landline must look like 021-58881234' })
  landline?: string;

  @ApiPropertyOptional({ type: Address })
  @IsOptional()
  @ValidateNested()
  @Type(() => Address)
  address?: Address;

  /** The member's openid on the chain's WeChat official account: where template messages go. */
  @ApiPropertyOptional({ example: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{16,64}$/, {
    message: 'wechatOpenId must be a WeChat openid (16-64 letters, digits, _ or -)',
  })
  wechatOpenId?: string;

  @ApiPropertyOptional({ enum: EDUCATION_LEVELS })
  @IsOptional()
  @IsIn(EDUCATION_LEVELS)
  education?: EducationLevel;

  @ApiPropertyOptional({ enum: INCOME_BANDS })
  @IsOptional()
  @IsIn(INCOME_BANDS)
  incomeBand?: IncomeBand;

  @ApiPropertyOptional({ enum: MARITAL_STATUSES })
  @IsOptional()
  @IsIn(MARITAL_STATUSES)
  maritalStatus?: MaritalStatus;

  @ApiPropertyOptional({ example: '上海电气集团' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(100)
  employer?: string;

  @ApiPropertyOptional({ example: 'engineer' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(60)
  jobTitle?: string;

  @ApiPropertyOptional({ type: Lifestyle })
  @IsOptional()
  @ValidateNested()
  @Type(() => Lifestyle)
  lifestyle?: Lifestyle;
}

/** The profile fields as shown (null when not given). */
export class ProfileDetailsView {
  @ApiProperty({ type: String, nullable: true }) landline!: string | null;
  @ApiProperty({ type: Address, nullable: true }) address!: Address | null;
  @ApiProperty({ type: String, nullable: true }) wechatOpenId!: string | null;
  @ApiProperty({ enum: EDUCATION_LEVELS, nullable: true }) education!: EducationLevel | null;
  @ApiProperty({ enum: INCOME_BANDS, nullable: true }) incomeBand!: IncomeBand | null;
  @ApiProperty({ enum: MARITAL_STATUSES, nullable: true }) maritalStatus!: MaritalStatus | null;
  @ApiProperty({ type: String, nullable: true }) employer!: string | null;
  @ApiProperty({ type: String, nullable: true }) jobTitle!: string | null;
  @ApiProperty({ type: Lifestyle, nullable: true }) lifestyle!: Lifestyle | null;
}

export const PROFILE_DETAIL_FIELDS = [
  'landline',
  'address',
  'wechatOpenId',
  'education',
  'incomeBand',
  'maritalStatus',
  'employer',
  'jobTitle',
  'lifestyle',
] as const;
