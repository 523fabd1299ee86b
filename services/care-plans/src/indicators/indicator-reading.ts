import type {
  AlertLevel,
  ConcentrationInput,
  FieldError,
  HealthReadingValues,
  Indicator,
  RecordHealthIndicatorsRequest,
} from '@crm/contracts';

/** mg/dL per mmol/L: glucose (180.16 g/mol) and cholesterol (386.65 g/mol). */
const GLUCOSE_MG_PER_MMOL = 18.016;
const CHOLESTEROL_MG_PER_MMOL = 38.67;

/** What a living person's reading can be, in the unit kept; outside it is a typing error. */
export const PLAUSIBLE: Record<Exclude<Indicator, 'bloodPressure'>, [number, number]> = {
  fastingGlucose: [1, 35],
  twoHourGlucose: [1, 40],
  hba1c: [3, 20],
  ldl: [0.2, 15],
  totalCholesterol: [1, 20],
  boneDensityTScore: [-6, 4],
  weight: [20, 350],
  bmi: [10, 80],
};
const SYSTOLIC: [number, number] = [60, 260];
const DIASTOLIC: [number, number] = [30, 160];
const HEIGHT_CM: [number, number] = [100, 250];

/**
 * A sitting's readings in the units kept (mmol/L, %, kg, kg/m²), or the fields that are not
 * plausible with their reasons. The DTO checks shapes and units; ranges depend on the unit, so
 * they are checked here, after conversion.
 */
export function readIndicators(request: RecordHealthIndicatorsRequest): {
  values: HealthReadingValues;
  problems: FieldError[];
} {
  const values: HealthReadingValues = {};
  const problems: FieldError[] = [];
  const check = (field: string, value: number, [min, max]: [number, number], unit: string) => {
    if (value >= min && value <= max) return true;
    problems.push({
      field,
      reasons: [`${field} must be between ${min} and ${max} ${unit} (got ${value} ${unit})`],
    });
    return false;
  };
  const bp = request.bloodPressure;
  if (bp) {
    const ok =
      check('bloodPressure.systolic', bp.systolic, SYSTOLIC, 'mmHg') &&
      check('bloodPressure.diastolic', bp.diastolic, DIASTOLIC, 'mmHg');
    if (ok && bp.diastolic >= bp.systolic)
      problems.push({
        field: 'bloodPressure.diastolic',
        reasons: ['bloodPressure.diastolic must be lower than systolic'],
      });
    else if (ok)
      values.bloodPressure = { systolic: bp.systolic, diastolic: bp.diastolic, unit: 'mmHg' };
  }
  const concentration = (
    field: 'fastingGlucose' | 'twoHourGlucose' | 'ldl' | 'totalCholesterol',
    input: ConcentrationInput | undefined,
    mgPerMmol: number,
  ) => {
    if (!input) return;
    const mmol = input.unit === 'mg/dL' ? round(input.value / mgPerMmol, 2) : input.value;
    if (check(`${field}.value`, mmol, PLAUSIBLE[field], 'mmol/L'))
      values[field] = { value: mmol, unit: 'mmol/L' };
  };
  concentration('fastingGlucose', request.fastingGlucose, GLUCOSE_MG_PER_MMOL);
  concentration('twoHourGlucose', request.twoHourGlucose, GLUCOSE_MG_PER_MMOL);
  concentration('ldl', request.ldl, CHOLESTEROL_MG_PER_MMOL);
  concentration('totalCholesterol', request.totalCholesterol, CHOLESTEROL_MG_PER_MMOL);
  if (request.hba1c && check('hba1c.value', request.hba1c.value, PLAUSIBLE.hba1c, '%'))
    values.hba1c = { value: request.hba1c.value, unit: '%' };
  const t = request.boneDensityTScore;
  if (t !== undefined && check('boneDensityTScore', t, PLAUSIBLE.boneDensityTScore, 'SD'))
    values.boneDensityTScore = { value: t, unit: 'SD' };
  if (request.weight && check('weight.value', request.weight.value, PLAUSIBLE.weight, 'kg'))
    values.weight = { value: request.weight.value, unit: 'kg' };
  if (request.heightCm !== undefined) {
    if (!request.weight)
      problems.push({ field: 'heightCm', reasons: ['heightCm is taken with weight, for the BMI'] });
    else if (check('heightCm', request.heightCm, HEIGHT_CM, 'cm') && values.weight) {
      const bmi = round(values.weight.value / (request.heightCm / 100) ** 2, 1);
      if (check('heightCm', bmi, PLAUSIBLE.bmi, 'kg/m² of BMI'))
        values.bmi = { value: bmi, unit: 'kg/m²' };
    }
  }
  if (problems.length === 0 && Object.keys(values).length === 0)
    problems.push({
      field: 'bloodPressure',
      reasons: ['a reading needs at least one indicator (bloodPressure, fastingGlucose, …)'],
    });
  return { values, problems };
}

function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

export interface AlertCondition {
  /** The reading's number compared: `systolic`, `diastolic` or `value`. */
  field: 'systolic' | 'diastolic' | 'value';
  atLeast?: number;
  atMost?: number;
  below?: number;
}

/** One band of the alert table: the reading alerts when any condition holds. */
export interface AlertBand {
  id: string;
  indicator: Indicator;
  level: AlertLevel;
  any: AlertCondition[];
}

/**
 * The alert table, as data: per indicator the most severe band first, and the first that holds
 * is the reading's alert. Hypertension crisis and stage 2 after the Chinese hypertension
 * guideline (2018), glucose after the CDS diabetes guideline (2020), lipids after the Chinese
 * lipid guideline (2016), osteoporosis by the WHO T-score, obesity by the Chinese BMI cut-off.
 */
export const ALERT_BANDS: readonly AlertBand[] = [
  {
    id: 'bp-crisis',
    indicator: 'bloodPressure',
    level: 'urgent',
    any: [
      { field: 'systolic', atLeast: 180 },
      { field: 'diastolic', atLeast: 110 },
    ],
  },
  {
    id: 'bp-high',
    indicator: 'bloodPressure',
    level: 'high',
    any: [
      { field: 'systolic', atLeast: 140 },
      { field: 'diastolic', atLeast: 90 },
    ],
  },
  {
    id: 'bp-low',
    indicator: 'bloodPressure',
    level: 'high',
    any: [
      { field: 'systolic', below: 90 },
      { field: 'diastolic', below: 60 },
    ],
  },
  {
    id: 'glucose-crisis',
    indicator: 'fastingGlucose',
    level: 'urgent',
    any: [
      { field: 'value', atLeast: 16.7 },
      { field: 'value', below: 3.0 },
    ],
  },
  {
    id: 'glucose-low',
    indicator: 'fastingGlucose',
    level: 'high',
    any: [{ field: 'value', below: 3.9 }],
  },
  {
    id: 'glucose-high',
    indicator: 'fastingGlucose',
    level: 'high',
    any: [{ field: 'value', atLeast: 7.0 }],
  },
  {
    id: 'glucose-2h-crisis',
    indicator: 'twoHourGlucose',
    level: 'urgent',
    any: [
      { field: 'value', atLeast: 16.7 },
      { field: 'value', below: 3.0 },
    ],
  },
  {
    id: 'glucose-2h-high',
    indicator: 'twoHourGlucose',
    level: 'high',
    any: [{ field: 'value', atLeast: 11.1 }],
  },
  {
    id: 'hba1c-very-high',
    indicator: 'hba1c',
    level: 'urgent',
    any: [{ field: 'value', atLeast: 10 }],
  },
  { id: 'hba1c-high', indicator: 'hba1c', level: 'high', any: [{ field: 'value', atLeast: 7 }] },
  { id: 'ldl-high', indicator: 'ldl', level: 'high', any: [{ field: 'value', atLeast: 4.1 }] },
  {
    id: 'tc-high',
    indicator: 'totalCholesterol',
    level: 'high',
    any: [{ field: 'value', atLeast: 6.2 }],
  },
  {
    id: 'osteoporosis',
    indicator: 'boneDensityTScore',
    level: 'high',
    any: [{ field: 'value', atMost: -2.5 }],
  },
  { id: 'obesity', indicator: 'bmi', level: 'high', any: [{ field: 'value', atLeast: 28 }] },
  { id: 'underweight', indicator: 'bmi', level: 'high', any: [{ field: 'value', below: 18.5 }] },
];

export interface IndicatorAlert {
  indicator: Indicator;
  band: string;
  level: AlertLevel;
}

/** The alerts of a sitting: at most one per indicator, the first band of the table that holds. */
export function alertsFor(
  values: HealthReadingValues,
  bands: readonly AlertBand[] = ALERT_BANDS,
): IndicatorAlert[] {
  const alerts: IndicatorAlert[] = [];
  const seen = new Set<Indicator>();
  for (const band of bands) {
    if (seen.has(band.indicator)) continue;
    const reading = values[band.indicator] as Record<string, number> | undefined;
    if (!reading) continue;
    const holds = band.any.some((c) => {
      const v = reading[c.field];
      if (v === undefined) return false;
      return (
        (c.atLeast !== undefined && v >= c.atLeast) ||
        (c.atMost !== undefined && v <= c.atMost) ||
        (c.below !== undefined && v < c.below)
      );
    });
    if (!holds) continue;
    seen.add(band.indicator);
    alerts.push({ indicator: band.indicator, band: band.id, level: band.level });
  }
  return alerts;
}

/** The level of the sitting: urgent if any alert is. */
export function worstLevel(alerts: readonly IndicatorAlert[]): AlertLevel | null {
  if (alerts.some((a) => a.level === 'urgent')) return 'urgent';
  return alerts.length > 0 ? 'high' : null;
}
