import { AppError, ErrorCode } from '../errors';
import { aggregatesOnly, assertMayUseHealthCriteria, usesHealthCriteria } from './segment-access';

describe('segment access', () => {
  it('tells health criteria apart', () => {
    expect(usesHealthCriteria({ ageMin: 60, storeIds: ['S001'] })).toBe(false);
    expect(usesHealthCriteria({ medicationAtc: ['A10'] })).toBe(true);
  });

  it('allows health criteria to the health roles only, naming each criterion used', () => {
    const criteria = { diseaseGroups: ['diabetes' as const], allergies: ['latex' as const] };
    for (const roles of [['pharmacist'], ['desk_agent'], ['admin'], ['hq_analyst', 'admin']])
      expect(() => assertMayUseHealthCriteria(criteria, roles)).not.toThrow();
    for (const roles of [['store_manager'], ['hq_analyst'], ['store_clerk'], []]) {
      let thrown: unknown;
      try {
        assertMayUseHealthCriteria(criteria, roles);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe(ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN);
      expect((thrown as AppError).details.map((d) => (d as { field: string }).field)).toEqual([
        'criteria.diseaseGroups',
        'criteria.allergies',
      ]);
    }
    expect(() => assertMayUseHealthCriteria({ ageMin: 1 }, ['store_manager'])).not.toThrow();
  });

  it('treats roles without individual access as aggregates only', () => {
    expect(aggregatesOnly(['hq_analyst'])).toBe(true);
    expect(aggregatesOnly([])).toBe(true);
    expect(aggregatesOnly(['hq_analyst', 'store_manager'])).toBe(false);
    expect(aggregatesOnly(undefined)).toBe(false);
  });
});
