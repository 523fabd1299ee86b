import type { Allergen, SafetySeverity, SafetyWarning } from '@crm/contracts';
import {
  ALLERGIES,
  type AllergyRule,
  INTERACTIONS,
  type InteractionRule,
} from './interaction-table';

export interface CheckedProduct {
  sku: string;
  atc?: string;
  category: string;
}

export interface MemberMedication {
  name: string;
  atc?: string;
}

const SEVERITY_ORDER: Record<SafetySeverity, number> = {
  contraindicated: 0,
  major: 1,
  moderate: 2,
  minor: 3,
};
/** Same therapeutic class: the ATC chemical subgroup (5 characters, e.g. M01AE). */
const CLASS_LENGTH = 5;

const matches = (atc: string, prefixes: readonly string[]) =>
  prefixes.some((p) => atc.startsWith(p));

function pairRule(x: string, y: string, rules: readonly InteractionRule[]): InteractionRule[] {
  return rules.filter(
    (r) => (matches(x, r.a) && matches(y, r.b)) || (matches(x, r.b) && matches(y, r.a)),
  );
}

/**
 * Warnings for the products against the member's allergies and regular medications, and
 * against each other: the allergy table, the interaction table, and a duplicate of a therapy
 * class already taken. Products without an ATC code are left unchecked (and said so).
 */
export function safetyCheck(
  products: readonly CheckedProduct[],
  allergies: readonly Allergen[],
  medications: readonly MemberMedication[],
  tables: { interactions?: readonly InteractionRule[]; allergies?: readonly AllergyRule[] } = {},
): { warnings: SafetyWarning[]; unchecked: string[] } {
  const interactions = tables.interactions ?? INTERACTIONS;
  const allergyRules = tables.allergies ?? ALLERGIES;
  const warnings: SafetyWarning[] = [];
  const unchecked: string[] = [];
  const checked = products.filter((p) => {
    if (!p.atc) unchecked.push(p.sku);
    return !!p.atc;
  });
  checked.forEach((product, i) => {
    const atc = product.atc!;
    for (const rule of allergyRules)
      if (allergies.includes(rule.allergen) && matches(atc, rule.atc))
        warnings.push({
          severity: rule.severity,
          kind: 'allergy',
          sku: product.sku,
          with: { allergen: rule.allergen },
          rule: rule.id,
          message: rule.message,
        });
    for (const medication of medications) {
      if (!medication.atc) continue;
      for (const rule of pairRule(atc, medication.atc, interactions))
        warnings.push({
          severity: rule.severity,
          kind: 'interaction',
          sku: product.sku,
          with: { medication: medication.name, atc: medication.atc },
          rule: rule.id,
          message: rule.message,
        });
      if (atc.slice(0, CLASS_LENGTH) === medication.atc.slice(0, CLASS_LENGTH))
        warnings.push({
          severity: 'moderate',
          kind: 'duplicate',
          sku: product.sku,
          with: { medication: medication.name, atc: medication.atc },
          rule: 'duplicate-class',
          message: `Same therapy class (${atc.slice(0, CLASS_LENGTH)}) as a regular medication`,
        });
    }
    for (const other of checked.slice(i + 1)) {
      for (const rule of pairRule(atc, other.atc!, interactions))
        warnings.push({
          severity: rule.severity,
          kind: 'interaction',
          sku: product.sku,
          with: { sku: other.sku, atc: other.atc! },
          rule: rule.id,
          message: rule.message,
        });
      if (atc.slice(0, CLASS_LENGTH) === other.atc!.slice(0, CLASS_LENGTH) && atc !== other.atc)
        warnings.push({
          severity: 'moderate',
          kind: 'duplicate',
          sku: product.sku,
          with: { sku: other.sku, atc: other.atc! },
          rule: 'duplicate-class',
          message: `Two products of one therapy class (${atc.slice(0, CLASS_LENGTH)})`,
        });
    }
  });
  warnings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { warnings, unchecked };
}
