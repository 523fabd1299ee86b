import type { Allergen, HeldBackProduct, PlanStep } from '@crm/contracts';
import { type MemberMedication, safetyCheck } from './safety-check';

/** What a plan's steps may recommend, decided once at enrolment and kept on the plan. */
export interface StepSafety {
  step: number;
  recommended: string[];
  heldBack: HeldBackProduct[];
}

/** Said on every product of a step when no one who may read health data enrolled the member. */
export const NOT_CHECKED: Omit<HeldBackProduct, 'sku'> = {
  rule: 'safety-check-not-run',
  severity: 'major',
  message: 'Not recommended: the safety check needs a pharmacist (health data) to run',
};

/**
 * Runs the safety check on the products each step recommends, against the member's allergies
 * and regular medications, and keeps back every product it warns about (with the rule and
 * why). A step recommending the very medicine the member already takes (a refill of it) is not
 * a duplicate therapy. `health` null: the check could not run, so nothing is recommended.
 */
export function reviewPlanSteps(
  steps: readonly PlanStep[],
  health: { allergies: readonly Allergen[]; medications: readonly MemberMedication[] } | null,
): StepSafety[] {
  const reviewed: StepSafety[] = [];
  steps.forEach((step, index) => {
    const products = step.products ?? [];
    if (products.length === 0) return;
    if (!health) {
      reviewed.push({
        step: index,
        recommended: [],
        heldBack: products.map(({ sku }) => ({ sku, ...NOT_CHECKED })),
      });
      return;
    }
    const { warnings } = safetyCheck(products, health.allergies, health.medications);
    const heldBack: HeldBackProduct[] = [];
    for (const warning of warnings) {
      const product = products.find((p) => p.sku === warning.sku);
      const sameMedicine = warning.kind === 'duplicate' && warning.with.atc === product?.atc;
      if (sameMedicine || heldBack.some((h) => h.sku === warning.sku)) continue;
      heldBack.push({
        sku: warning.sku,
        rule: warning.rule,
        severity: warning.severity,
        message: warning.message,
      });
    }
    reviewed.push({
      step: index,
      recommended: products.map((p) => p.sku).filter((sku) => !heldBack.some((h) => h.sku === sku)),
      heldBack,
    });
  });
  return reviewed;
}
