import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsOptionalNonNull } from '../optional';
import { MARKETING_CHANNELS, type MarketingChannel } from '../members/health-and-consent.dto';
import { GENDERS, type Gender } from '../members/member.enums';
import {
  ALLERGENS,
  type Allergen,
  ATC_PREFIX,
  DISEASE_GROUPS,
  type DiseaseGroup,
} from '../members/health-codes';
import { LARGEST_AMOUNT } from '../largest-amount';

export const MEMBER_GRADES = [0, 20, 40, 60, 80, 100] as const;
export type MemberGrade = (typeof MEMBER_GRADES)[number];

export const STORE_ID = /^[A-Z0-9-]{2,20}$/;
export const SEGMENT_SAMPLE_SIZE_DEFAULT = 20;

const LIST_MESSAGE = (field: string) => `${field} must be a list; omit it to not filter on it`;
const NOT_EMPTY_MESSAGE = (field: string) =>
  `${field} must name at least one value; omit it to not filter on it`;

/**
 * On the upper bound of a pair: valid when either bound is missing or lower ≤ upper. The
 * bounds' own rules (integer, ≥ 0) report their errors separately.
 */
export function IsNotBelow(lowerProperty: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBelow',
      target: target.constructor,
      propertyName,
      constraints: [lowerProperty],
      options: {
        message: `${propertyName} must be greater than or equal to ${lowerProperty}`,
        ...options,
      },
      validator: {
        validate: (value: unknown, args) => {
          const lower = (args?.object as Record<string, unknown>)[lowerProperty];
          return typeof value !== 'number' || typeof lower !== 'number' || lower <= value;
        },
      },
    });
}

/** An inclusive integer range; a missing bound is open. Members without a value never match. */

export class IntegerRange {
  @ApiPropertyOptional({ minimum: 0, example: 4, description: 'Inclusive lower bound' })
  @IsOptionalNonNull()
  @IsInt({ message: 'min must be an integer' })
  @Min(0, { message: 'min must be 0 or more' })
  @Max(LARGEST_AMOUNT, { message: 'min must be at most 10^12' })
  min?: number;

  @ApiPropertyOptional({ minimum: 0, example: 12, description: 'Inclusive upper bound' })
  @IsOptionalNonNull()
  @IsInt({ message: 'max must be an integer' })
  @Min(0, { message: 'max must be 0 or more' })
  @Max(LARGEST_AMOUNT, { message: 'max must be at most 10^12' })
  @IsNotBelow('min')
  max?: number;
}

/**
 * What a segment selects. Every field is optional: criteria combine with AND, the values of
 * a list with OR (any of), and empty criteria select every member. Evaluated by the members
 * service's in-memory segment index, never turned into a database query.
 */
export class SegmentCriteria {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 120,
    example: 60,
    description: 'Age in years (China time), inclusive',
  })
  @IsOptionalNonNull()
  @IsInt({ message: 'ageMin must be an integer' })
  @Min(0, { message: 'ageMin must be between 0 and 120' })
  @Max(120, { message: 'ageMin must be between 0 and 120' })
  ageMin?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 120,
    example: 75,
    description: 'Age in years (China time), inclusive',
  })
  @IsOptionalNonNull()
  @IsInt({ message: 'ageMax must be an integer' })
  @Min(0, { message: 'ageMax must be between 0 and 120' })
  @Max(120, { message: 'ageMax must be between 0 and 120' })
  @IsNotBelow('ageMin')
  ageMax?: number;

  @ApiPropertyOptional({ enum: GENDERS, isArray: true, example: ['female'] })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('genders') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('genders') })
  @ArrayMaxSize(GENDERS.length)
  @IsIn(GENDERS, { each: true, message: `each of genders must be one of ${GENDERS.join(', ')}` })
  genders?: Gender[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, example: ['east', 'north'] })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('regions') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('regions') })
  @ArrayMaxSize(50, { message: 'regions may name at most 50 regions' })
  @IsString({ each: true, message: 'each of regions must be a string' })
  @MinLength(1, { each: true, message: 'each of regions must not be empty' })
  @MaxLength(40, { each: true, message: 'each of regions must be at most 40 characters' })
  regions?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 200,
    example: ['S001'],
    description: "The member's home store",
  })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('storeIds') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('storeIds') })
  @ArrayMaxSize(200, { message: 'storeIds may name at most 200 stores' })
  @IsString({ each: true, message: 'each of storeIds must be a string' })
  @Matches(STORE_ID, { each: true, message: 'each of storeIds must be a store code such as S001' })
  storeIds?: string[];

  @ApiPropertyOptional({ enum: DISEASE_GROUPS, isArray: true, example: ['diabetes'] })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('diseaseGroups') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('diseaseGroups') })
  @ArrayMaxSize(DISEASE_GROUPS.length)
  @IsIn(DISEASE_GROUPS, {
    each: true,
    message: `each of diseaseGroups must be one of ${DISEASE_GROUPS.join(', ')}`,
  })
  diseaseGroups?: DiseaseGroup[];

  @ApiPropertyOptional({ enum: ALLERGENS, isArray: true, example: ['penicillin'] })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('allergies') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('allergies') })
  @ArrayMaxSize(ALLERGENS.length)
  @IsIn(ALLERGENS, {
    each: true,
    message: `each of allergies must be one of ${ALLERGENS.join(', ')}`,
  })
  allergies?: Allergen[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    example: ['A10', 'C09AA05'],
    description: 'ATC codes or prefixes of them: the member takes a medication under any of them',
  })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('medicationAtc') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('medicationAtc') })
  @ArrayMaxSize(50, { message: 'medicationAtc may name at most 50 codes' })
  @IsString({ each: true, message: 'each of medicationAtc must be a string' })
  @Matches(ATC_PREFIX, {
    each: true,
    message: 'each of medicationAtc must be an ATC code or prefix such as A10 or C09AA05',
  })
  medicationAtc?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3660,
    example: 90,
    description:
      'Last purchase at least this many days (of 24 h) ago; members who never bought do not match',
  })
  @IsOptionalNonNull()
  @IsInt({ message: 'lapsedDaysMin must be an integer' })
  @Min(1, { message: 'lapsedDaysMin must be between 1 and 3660' })
  @Max(3660, { message: 'lapsedDaysMin must be between 1 and 3660' })
  lapsedDaysMin?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3660,
    example: 30,
    description: 'Last purchase less than this many days (of 24 h) ago',
  })
  @IsOptionalNonNull()
  @IsInt({ message: 'purchasedWithinDays must be an integer' })
  @Min(1, { message: 'purchasedWithinDays must be between 1 and 3660' })
  @Max(3660, { message: 'purchasedWithinDays must be between 1 and 3660' })
  purchasedWithinDays?: number;

  @ApiPropertyOptional({ type: IntegerRange, description: 'Sales in the last 12 months' })
  @IsOptionalNonNull()
  @IsObject({ message: 'purchases12m must be an object with min and/or max' })
  @ValidateNested()
  @Type(() => IntegerRange)
  purchases12m?: IntegerRange;

  @ApiPropertyOptional({
    type: IntegerRange,
    description: 'Spend net of refunds in the last 12 months, integer cents CNY',
  })
  @IsOptionalNonNull()
  @IsObject({ message: 'spend12mCents must be an object with min and/or max' })
  @ValidateNested()
  @Type(() => IntegerRange)
  spend12mCents?: IntegerRange;

  @ApiPropertyOptional({
    type: IntegerRange,
    description:
      'Average ticket over the last 12 months, integer cents; members without sales do not match',
  })
  @IsOptionalNonNull()
  @IsObject({ message: 'averageTicket12mCents must be an object with min and/or max' })
  @ValidateNested()
  @Type(() => IntegerRange)
  averageTicket12mCents?: IntegerRange;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    example: ['osteoporosis', 'vitamins'],
    description: 'The member bought in any of these product categories',
  })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('categories') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('categories') })
  @ArrayMaxSize(50, { message: 'categories may name at most 50 categories' })
  @IsString({ each: true, message: 'each of categories must be a string' })
  @MinLength(1, { each: true, message: 'each of categories must not be empty' })
  @MaxLength(40, { each: true, message: 'each of categories must be at most 40 characters' })
  categories?: string[];

  @ApiPropertyOptional({ enum: MEMBER_GRADES, isArray: true, example: [80, 100] })
  @IsOptionalNonNull()
  @IsArray({ message: LIST_MESSAGE('grades') })
  @ArrayNotEmpty({ message: NOT_EMPTY_MESSAGE('grades') })
  @ArrayMaxSize(MEMBER_GRADES.length)
  @IsIn(MEMBER_GRADES, {
    each: true,
    message: `each of grades must be one of ${MEMBER_GRADES.join(', ')}`,
  })
  grades?: MemberGrade[];

  @ApiPropertyOptional({
    enum: MARKETING_CHANNELS,
    example: 'sms',
    description: 'Only members who granted marketing on this channel',
  })
  @IsOptionalNonNull()
  @IsIn(MARKETING_CHANNELS, {
    message: `consentChannel must be one of ${MARKETING_CHANNELS.join(', ')}`,
  })
  consentChannel?: MarketingChannel;

  @ApiPropertyOptional({
    example: true,
    description: 'Whether the member gave health-data consent',
  })
  @IsOptionalNonNull()
  @IsBoolean({ message: 'healthDataConsent must be true or false' })
  healthDataConsent?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 366,
    example: 7,
    description:
      'Birthday (China time) from today to N days ahead, inclusive, across the year end; ' +
      '29 February birthdays fall on 28 February in other years',
  })
  @IsOptionalNonNull()
  @IsInt({ message: 'birthdayWithinDays must be an integer' })
  @Min(0, { message: 'birthdayWithinDays must be between 0 and 366' })
  @Max(366, { message: 'birthdayWithinDays must be between 0 and 366' })
  birthdayWithinDays?: number;
}

/** `POST /api/v1/segments/preview` body and its NATS request alike. */
export class SegmentPreviewRequest {
  @ApiProperty({ type: SegmentCriteria })
  @IsObject({ message: 'criteria must be an object ({} selects every member)' })
  @ValidateNested()
  @Type(() => SegmentCriteria)
  criteria!: SegmentCriteria;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: SEGMENT_SAMPLE_SIZE_DEFAULT })
  @IsOptionalNonNull()
  @IsInt({ message: 'sampleSize must be an integer' })
  @Min(1, { message: 'sampleSize must be between 1 and 50' })
  @Max(50, { message: 'sampleSize must be between 1 and 50' })
  sampleSize?: number = SEGMENT_SAMPLE_SIZE_DEFAULT;
}

/**
 * A count that may be withheld: roles that see aggregates only (hq_analyst) get `count: null`
 * and `countBelow: k` when 1 to k − 1 members match (k is the setting MIN_GROUP_SIZE), so a
 * narrow query cannot single a person out. Zero is shown: it describes nobody.
 */
export class SuppressibleCount {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 18342,
    description:
      'Members matching now; null when withheld (fewer than countBelow, and not zero, for roles that see aggregates only)',
  })
  count!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'Set only when count is withheld: the true count is between 1 and countBelow − 1',
  })
  countBelow!: number | null;
}

export class SegmentPreviewView extends SuppressibleCount {
  @ApiProperty({
    type: [String],
    example: ['6740a1f2c3b4d5e6f7a8b9c0'],
    description:
      'Member ids: the first matches in member-id order (always empty for roles that see aggregates only)',
  })
  sample!: string[];
  @ApiProperty({
    format: 'date-time',
    description: 'The instant age, birthday and recency were evaluated at',
  })
  evaluatedAt!: string;
  @ApiProperty({ example: 24, description: 'Evaluation time in milliseconds' })
  tookMs!: number;
}
