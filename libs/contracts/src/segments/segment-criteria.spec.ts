import { AppError, ErrorCode } from '../errors';
import { validatePayload } from '../validation';
import {
  SEGMENT_SAMPLE_SIZE_DEFAULT,
  SegmentCriteria,
  SegmentPreviewRequest,
} from './segment-criteria.dto';

/** The per-field reasons of the 400 a payload gets, or a failure when it passes. */
function reasonsOf(plain: unknown): Record<string, string[]> {
  try {
    validatePayload(SegmentPreviewRequest, plain);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return Object.fromEntries(
      (error as AppError).details.map((d) => {
        const { field, reasons } = d as { field: string; reasons: string[] };
        return [field, reasons];
      }),
    );
  }
  throw new Error('expected a validation error');
}

/** The reasons for a `criteria` payload, by field path under `criteria.`. */
function rejected(criteria: unknown): Record<string, string[]> {
  const reasons = Object.entries(reasonsOf({ criteria }));
  for (const [field] of reasons) expect(field.startsWith('criteria.')).toBe(true);
  return Object.fromEntries(reasons.map(([field, why]) => [field.slice('criteria.'.length), why]));
}

const FULL: Record<string, unknown> = {
  ageMin: 60,
  ageMax: 75,
  genders: ['female', 'unspecified'],
  regions: ['east', 'north'],
  storeIds: ['S001', 'SH-PD-02'],
  diseaseGroups: ['diabetes', 'hypertension'],
  allergies: ['penicillin'],
  medicationAtc: ['A10', 'C09AA05', 'N'],
  lapsedDaysMin: 90,
  purchasedWithinDays: 365,
  purchases12m: { min: 1, max: 12 },
  spend12mCents: { min: 100_000 },
  averageTicket12mCents: { max: 50_000 },
  categories: ['osteoporosis', 'vitamins'],
  grades: [80, 100],
  consentChannel: 'sms',
  healthDataConsent: true,
  birthdayWithinDays: 7,
};

describe('SegmentPreviewRequest', () => {
  it('accepts criteria using every field', () => {
    const request = validatePayload(SegmentPreviewRequest, { criteria: FULL, sampleSize: 50 });
    expect(request.criteria).toBeInstanceOf(SegmentCriteria);
    expect(request.criteria).toMatchObject(FULL);
    expect(request.sampleSize).toBe(50);
  });

  it('accepts empty criteria (every member) and defaults the sample size', () => {
    const request = validatePayload(SegmentPreviewRequest, { criteria: {} });
    expect(request.sampleSize).toBe(SEGMENT_SAMPLE_SIZE_DEFAULT);
  });

  it('requires criteria as an object', () => {
    expect(Object.keys(reasonsOf({}))).toContain('criteria');
    expect(Object.keys(reasonsOf({ criteria: [FULL] }))).toContain('criteria');
    expect(Object.keys(reasonsOf({ criteria: 'all' }))).toContain('criteria');
  });

  it('rejects unknown fields, naming them', () => {
    expect(rejected({ ageMin: 60, vip: true })).toEqual({
      vip: ['property vip should not exist'],
    });
    expect(Object.keys(reasonsOf({ criteria: {}, limit: 5 }))).toEqual(['limit']);
    expect(Object.keys(rejected({ purchases12m: { min: 1, avg: 3 } }))).toEqual([
      'purchases12m.avg',
    ]);
  });

  it.each([
    ['$where', { $where: 'this.spend > 0' }, '$where'],
    ['$nor at the top', { $nor: [{ ageMin: 1 }] }, '$nor'],
    ['$gt for a number', { ageMin: { $gt: 60 } }, 'ageMin'],
    ['$ne for a boolean', { healthDataConsent: { $ne: false } }, 'healthDataConsent'],
    ['$in for a list', { regions: { $in: ['east'] } }, 'regions'],
    ['$regex for a list', { storeIds: { $regex: '.*' } }, 'storeIds'],
    ['an operator inside a list', { categories: [{ $ne: null }] }, 'categories'],
    ['$gt inside a range', { spend12mCents: { $gt: 0 } }, 'spend12mCents.$gt'],
    ['an operator as a range bound', { purchases12m: { min: { $gt: 1 } } }, 'purchases12m.min'],
    ['$ne for an enum', { consentChannel: { $ne: 'sms' } }, 'consentChannel'],
  ])('rejects operator payloads: %s', (_name, criteria, field) => {
    expect(Object.keys(rejected(criteria))).toContain(field);
  });

  it('rejects objects where lists are expected and lists where ranges are expected', () => {
    expect(Object.keys(rejected({ genders: { 0: 'female' } }))).toEqual(['genders']);
    expect(Object.keys(rejected({ diseaseGroups: 'diabetes' }))).toEqual(['diseaseGroups']);
    expect(Object.keys(rejected({ purchases12m: [{ min: 1 }] }))).toContain('purchases12m');
  });

  it('rejects ranges whose min exceeds max', () => {
    expect(rejected({ purchases12m: { min: 5, max: 4 } })).toEqual({
      'purchases12m.max': ['max must be greater than or equal to min'],
    });
    expect(Object.keys(rejected({ spend12mCents: { min: 2, max: 1 } }))).toEqual([
      'spend12mCents.max',
    ]);
    expect(rejected({ ageMin: 70, ageMax: 60 })).toEqual({
      ageMax: ['ageMax must be greater than or equal to ageMin'],
    });
    expect(() =>
      validatePayload(SegmentPreviewRequest, { criteria: { purchases12m: { min: 3, max: 3 } } }),
    ).not.toThrow();
  });

  it('rejects values out of range, of the wrong type or outside the enums', () => {
    const reasons = rejected({
      ageMin: -1,
      ageMax: 121,
      genders: ['robot'],
      regions: ['x'.repeat(41)],
      storeIds: ['s001'],
      diseaseGroups: ['flu'],
      allergies: ['cats'],
      medicationAtc: ['A1', 'W01', 'C09AA5'],
      lapsedDaysMin: 0,
      purchasedWithinDays: 1.5,
      purchases12m: { min: -1 },
      averageTicket12mCents: { max: '100' },
      categories: [''],
      grades: [50],
      consentChannel: 'fax',
      healthDataConsent: 'yes',
      birthdayWithinDays: 367,
    });
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'ageMin',
        'ageMax',
        'genders',
        'regions',
        'storeIds',
        'diseaseGroups',
        'allergies',
        'medicationAtc',
        'lapsedDaysMin',
        'purchasedWithinDays',
        'purchases12m.min',
        'averageTicket12mCents.max',
        'categories',
        'grades',
        'consentChannel',
        'healthDataConsent',
        'birthdayWithinDays',
      ].sort(),
    );
    expect(reasons.storeIds).toEqual(['each of storeIds must be a store code such as S001']);
    expect(reasons.medicationAtc).toEqual([
      'each of medicationAtc must be an ATC code or prefix such as A10 or C09AA05',
    ]);
  });

  it('rejects empty lists and lists that are too long', () => {
    expect(rejected({ regions: [] })).toEqual({
      regions: ['regions must name at least one value; omit it to not filter on it'],
    });
    const regions = Array.from({ length: 51 }, (_, i) => `r${i}`);
    expect(rejected({ regions })).toEqual({ regions: ['regions may name at most 50 regions'] });
  });

  it('rejects null instead of treating it as no criterion', () => {
    const reasons = rejected({ ageMin: null, healthDataConsent: null, purchases12m: null });
    expect(Object.keys(reasons).sort()).toEqual(['ageMin', 'healthDataConsent', 'purchases12m']);
    expect(reasons.ageMin).toContain('ageMin must be an integer');
    expect(reasons.purchases12m).toContain('purchases12m must be an object with min and/or max');
    expect(Object.keys(rejected({ spend12mCents: { min: null } }))).toEqual(['spend12mCents.min']);
    expect(Object.keys(reasonsOf({ criteria: {}, sampleSize: null }))).toEqual(['sampleSize']);
  });

  it('bounds the sample size', () => {
    expect(Object.keys(reasonsOf({ criteria: {}, sampleSize: 0 }))).toEqual(['sampleSize']);
    expect(Object.keys(reasonsOf({ criteria: {}, sampleSize: 51 }))).toEqual(['sampleSize']);
  });
});
