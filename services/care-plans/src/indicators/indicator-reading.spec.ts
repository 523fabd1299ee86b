import type { RecordHealthIndicatorsRequest } from '@crm/contracts';
import { alertsFor, readIndicators, worstLevel } from './indicator-reading';

const read = (request: RecordHealthIndicatorsRequest) => readIndicators(request);

describe('readIndicators', () => {
  it('keeps plausible readings in the units kept, converting mg/dL', () => {
    const { values, problems } = read({
      bloodPressure: { systolic: 150, diastolic: 95, unit: 'mmHg' },
      fastingGlucose: { value: 126, unit: 'mg/dL' },
      ldl: { value: 3.1, unit: 'mmol/L' },
      totalCholesterol: { value: 240, unit: 'mg/dL' },
      weight: { value: 80, unit: 'kg' },
      heightCm: 170,
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({
      bloodPressure: { systolic: 150, diastolic: 95, unit: 'mmHg' },
      fastingGlucose: { value: 6.99, unit: 'mmol/L' },
      ldl: { value: 3.1, unit: 'mmol/L' },
      totalCholesterol: { value: 6.21, unit: 'mmol/L' },
      weight: { value: 80, unit: 'kg' },
      bmi: { value: 27.7, unit: 'kg/m²' },
    });
  });

  it('refuses implausible values with the field and its reason', () => {
    const { problems } = read({
      bloodPressure: { systolic: 300, diastolic: 80, unit: 'mmHg' },
      fastingGlucose: { value: 126, unit: 'mmol/L' }, // mg/dL typed as mmol/L
      hba1c: { value: 42, unit: '%' },
      boneDensityTScore: -8,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'bloodPressure.systolic',
      'fastingGlucose.value',
      'hba1c.value',
      'boneDensityTScore',
    ]);
    expect(problems[1]!.reasons[0]).toContain('between 1 and 35 mmol/L');
  });

  it('refuses a diastolic at or above the systolic, a height without weight, an empty sitting', () => {
    expect(read({ bloodPressure: { systolic: 90, diastolic: 90, unit: 'mmHg' } }).problems).toEqual(
      [{ field: 'bloodPressure.diastolic', reasons: [expect.stringContaining('lower')] }],
    );
    expect(read({ heightCm: 170 }).problems.map((p) => p.field)).toEqual(['heightCm']);
    expect(read({}).problems).toHaveLength(1);
  });
});

describe('alert bands', () => {
  const bp = (systolic: number, diastolic: number) =>
    alertsFor({ bloodPressure: { systolic, diastolic, unit: 'mmHg' } });

  it('blood pressure: ≥180/110 urgent, ≥140/90 high, either number decides', () => {
    expect(bp(180, 85)).toEqual([
      { indicator: 'bloodPressure', band: 'bp-crisis', level: 'urgent' },
    ]);
    expect(bp(150, 110)).toEqual([
      { indicator: 'bloodPressure', band: 'bp-crisis', level: 'urgent' },
    ]);
    expect(bp(179, 109)).toEqual([{ indicator: 'bloodPressure', band: 'bp-high', level: 'high' }]);
    expect(bp(130, 90)).toEqual([{ indicator: 'bloodPressure', band: 'bp-high', level: 'high' }]);
    expect(bp(139, 89)).toEqual([]);
    expect(bp(85, 55)).toEqual([{ indicator: 'bloodPressure', band: 'bp-low', level: 'high' }]);
  });

  it('one alert per indicator, the most severe; the sitting is as bad as its worst', () => {
    const alerts = alertsFor({
      fastingGlucose: { value: 17.2, unit: 'mmol/L' },
      hba1c: { value: 7.5, unit: '%' },
      ldl: { value: 2.6, unit: 'mmol/L' },
      boneDensityTScore: { value: -2.5, unit: 'SD' },
      bmi: { value: 28, unit: 'kg/m²' },
    });
    expect(alerts.map((a) => `${a.band}:${a.level}`)).toEqual([
      'glucose-crisis:urgent',
      'hba1c-high:high',
      'osteoporosis:high',
      'obesity:high',
    ]);
    expect(worstLevel(alerts)).toBe('urgent');
    expect(worstLevel(alerts.slice(1))).toBe('high');
    expect(worstLevel([])).toBeNull();
  });

  it('a low fasting glucose alerts at 3.9, urgently below 3.0', () => {
    const g = (value: number) => alertsFor({ fastingGlucose: { value, unit: 'mmol/L' } });
    expect(g(3.9)).toEqual([]);
    expect(g(3.5)[0]).toMatchObject({ band: 'glucose-low', level: 'high' });
    expect(g(2.9)[0]).toMatchObject({ band: 'glucose-crisis', level: 'urgent' });
  });
});
