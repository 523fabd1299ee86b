import { AppError, ErrorCode } from '../errors';
import { HEALTH_ROLES, maySeeHealth } from '../members/member.view';
import type { SegmentCriteria } from './segment-criteria.dto';

/** The criteria that select on health data (PIPL sensitive personal information). */
export const HEALTH_CRITERIA = ['diseaseGroups', 'allergies', 'medicationAtc'] as const;

export function healthCriteriaIn(criteria: SegmentCriteria): string[] {
  return HEALTH_CRITERIA.filter((field) => criteria[field] !== undefined);
}

export function usesHealthCriteria(criteria: SegmentCriteria): boolean {
  return healthCriteriaIn(criteria).length > 0;
}

/**
 * Health criteria are for the roles that may see health data (CONTRACTS.md §1): a segment on
 * them lists who has, say, diabetes. Others get SEGMENT.HEALTH_CRITERIA_FORBIDDEN naming the
 * criteria. `roles` undefined is a service's own request (no staff member behind it).
 */
export function assertMayUseHealthCriteria(
  criteria: SegmentCriteria,
  roles: readonly string[] | undefined,
  prefix = 'criteria',
): void {
  const used = healthCriteriaIn(criteria);
  if (used.length === 0 || roles === undefined || maySeeHealth(roles)) return;
  throw new AppError(
    ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN,
    `Segments on health data are for ${HEALTH_ROLES.join(', ')} only`,
    used.map((field) => ({
      field: `${prefix}.${field}`,
      reasons: [`selecting by ${field} needs one of the roles ${HEALTH_ROLES.join(', ')}`],
    })),
  );
}

/** Roles that work with single members' records; every other role sees aggregates only. */
export const INDIVIDUAL_ACCESS_ROLES = [
  'store_clerk',
  'pharmacist',
  'store_manager',
  'desk_agent',
  'admin',
] as const;

/**
 * True when the staff member may see aggregates only (hq_analyst): member ids are left out
 * and small counts withheld. `roles` undefined is a service's own request: false.
 */
export function aggregatesOnly(roles: readonly string[] | undefined): boolean {
  if (roles === undefined) return false;
  return !roles.some((role) => (INDIVIDUAL_ACCESS_ROLES as readonly string[]).includes(role));
}
