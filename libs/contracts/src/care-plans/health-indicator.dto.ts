import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const MEMBER_ID = /^[0-9a-f]{24}$/;
const FINITE = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 } as const;

export const INDICATOR_SOURCES = ['store', 'self', 'clinic'] as const;
export type IndicatorSource = (typeof INDICATOR_SOURCES)[number];
/** Glucose and lipids come in mmol/L (China) or mg/dL (imported meters); kept in mmol/L. */
export const CONCENTRATION_UNITS = ['mmol/L', 'mg/dL'] as const;
export type ConcentrationUnit = (typeof CONCENTRATION_UNITS)[number];
export const INDICATORS = [
  'bloodPressure',
  'fastingGlucose',
  'twoHourGlucose',
  'hba1c',
  'ldl',
  'totalCholesterol',
  'boneDensityTScore',
  'weight',
  'bmi',
] as const;
export type Indicator = (typeof INDICATORS)[number];
export const ALERT_LEVELS = ['high', 'urgent'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export class BloodPressureInput {
  @ApiProperty({ example: 142, minimum: 0, maximum: 400, description: 'Plausible: 60–260' })
  @IsInt()
  @Min(0)
  @Max(400)
  systolic!: number;

  @ApiProperty({ example: 91, minimum: 0, maximum: 300, description: 'Plausible: 30–160' })
  @IsInt()
  @Min(0)
  @Max(300)
  diastolic!: number;

  @ApiProperty({ enum: ['mmHg'] }) @IsIn(['mmHg']) unit!: 'mmHg';
}

/** A concentration; the plausible range depends on the unit and is checked after conversion. */
export class ConcentrationInput {
  @ApiProperty({ example: 6.1, minimum: 0, maximum: 2000 })
  @IsNumber(FINITE)
  @Min(0)
  @Max(2000)
  value!: number;

  @ApiProperty({ enum: CONCENTRATION_UNITS }) @IsIn(CONCENTRATION_UNITS) unit!: ConcentrationUnit;
}

export class PercentInput {
  @ApiProperty({ example: 7.2, minimum: 0, maximum: 100, description: 'Plausible: 3–20' })
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  value!: number;

  @ApiProperty({ enum: ['%'] }) @IsIn(['%']) unit!: '%';
}

export class WeightInput {
  @ApiProperty({ example: 68.5, minimum: 0, maximum: 1000, description: 'Plausible: 20–350' })
  @IsNumber(FINITE)
  @Min(0)
  @Max(1000)
  value!: number;

  @ApiProperty({ enum: ['kg'] }) @IsIn(['kg']) unit!: 'kg';
}

/**
 * Body of `POST /api/v1/members/{id}/health-indicators`: one sitting's readings, at least one.
 * Values outside the plausible range of their indicator are refused with the field's reason.
 */
export class RecordHealthIndicatorsRequest {
  @ApiPropertyOptional({ description: 'When measured (ISO 8601); now if left out' })
  @IsOptional()
  @IsISO8601({ strict: true })
  measuredAt?: string;

  @ApiPropertyOptional({ enum: INDICATOR_SOURCES, default: 'store' })
  @IsOptional()
  @IsIn(INDICATOR_SOURCES)
  source?: IndicatorSource;

  @ApiPropertyOptional({ type: BloodPressureInput })
  @IsOptional()
  @ValidateNested()
  @Type(() => BloodPressureInput)
  bloodPressure?: BloodPressureInput;

  @ApiPropertyOptional({ type: ConcentrationInput, description: 'Plausible: 1–35 mmol/L' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConcentrationInput)
  fastingGlucose?: ConcentrationInput;

  @ApiPropertyOptional({
    type: ConcentrationInput,
    description: '2 hours after a meal; plausible: 1–40 mmol/L',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConcentrationInput)
  twoHourGlucose?: ConcentrationInput;

  @ApiPropertyOptional({ type: PercentInput })
  @IsOptional()
  @ValidateNested()
  @Type(() => PercentInput)
  hba1c?: PercentInput;

  @ApiPropertyOptional({ type: ConcentrationInput, description: 'Plausible: 0.2–15 mmol/L' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConcentrationInput)
  ldl?: ConcentrationInput;

  @ApiPropertyOptional({ type: ConcentrationInput, description: 'Plausible: 1–20 mmol/L' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConcentrationInput)
  totalCholesterol?: ConcentrationInput;

  @ApiPropertyOptional({ example: -2.7, minimum: -10, maximum: 10, description: 'Plausible: −6–4' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(-10)
  @Max(10)
  boneDensityTScore?: number;

  @ApiPropertyOptional({ type: WeightInput })
  @IsOptional()
  @ValidateNested()
  @Type(() => WeightInput)
  weight?: WeightInput;

  @ApiPropertyOptional({
    example: 165,
    minimum: 0,
    maximum: 300,
    description: 'With weight, gives the BMI; plausible: 100–250',
  })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(300)
  heightCm?: number;
}

/** `care-plans.v1.indicators.record`. */
export class RecordHealthIndicatorsCommand extends RecordHealthIndicatorsRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;
}

/** `GET /api/v1/members/{id}/health-indicators` and `care-plans.v1.indicators.list`. */
export class ListHealthIndicatorsRequest {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) memberId!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class IndicatorAlertView {
  @ApiProperty({ enum: INDICATORS }) indicator!: Indicator;
  @ApiProperty({ example: 'bp-stage2', description: 'The band of the alert table it fell in' })
  band!: string;
  @ApiProperty({ enum: ALERT_LEVELS }) level!: AlertLevel;
}

export class BloodPressureView {
  @ApiProperty() systolic!: number;
  @ApiProperty() diastolic!: number;
  @ApiProperty({ enum: ['mmHg'] }) unit!: 'mmHg';
}

export class MeasuredValueView {
  @ApiProperty() value!: number;
  @ApiProperty({ example: 'mmol/L' }) unit!: string;
}

/** Readings as kept: concentrations in mmol/L, weight in kg, BMI in kg/m². */
export class HealthReadingValues {
  @ApiPropertyOptional({ type: BloodPressureView }) bloodPressure?: BloodPressureView;
  @ApiPropertyOptional({ type: MeasuredValueView }) fastingGlucose?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) twoHourGlucose?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) hba1c?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) ldl?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) totalCholesterol?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) boneDensityTScore?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) weight?: MeasuredValueView;
  @ApiPropertyOptional({ type: MeasuredValueView }) bmi?: MeasuredValueView;
}

export class HealthIndicatorReadingView {
  @ApiProperty({ example: 'reading:3f2a…' }) id!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ format: 'date-time' }) measuredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ enum: INDICATOR_SOURCES }) source!: IndicatorSource;
  @ApiProperty({ type: String, nullable: true }) recordedBy!: string | null;
  @ApiProperty({ type: HealthReadingValues }) values!: HealthReadingValues;
  @ApiProperty({ type: [IndicatorAlertView] }) alerts!: IndicatorAlertView[];
  @ApiProperty({
    type: [String],
    description: 'Tasks opened for the alerts (an urgent one is due today at the home store)',
  })
  taskIds!: string[];
}

export class HealthIndicatorList {
  @ApiProperty({ type: [HealthIndicatorReadingView], description: 'Newest first' })
  items!: HealthIndicatorReadingView[];
}
