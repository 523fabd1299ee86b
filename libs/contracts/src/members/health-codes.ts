/**
 * Coded health values: what segments and safety checks rely on. Free text rides beside each
 * code (notes, reactions, doses) but is never matched on.
 */
export const DISEASE_GROUPS = [
  'diabetes',
  'hypertension',
  'cardiovascular',
  'hyperlipidemia',
  'osteoporosis',
  'respiratory',
  'arthritis',
  'digestive',
  'thyroid',
  'kidney',
  'mental_health',
  'other',
] as const;
export type DiseaseGroup = (typeof DISEASE_GROUPS)[number];

export const ALLERGENS = [
  'penicillin',
  'cephalosporin',
  'sulfonamide',
  'nsaid',
  'aspirin',
  'iodine',
  'latex',
  'pollen',
  'food',
  'other',
] as const;
export type Allergen = (typeof ALLERGENS)[number];

/** An ATC code or any prefix of it at a level boundary: A, A10, A10B, A10BA, A10BA02. */
export const ATC_PREFIX = /^[A-V](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/;
/** A full ATC code (level 5), e.g. A10BA02 for metformin. */
export const ATC_CODE = /^[A-V]\d{2}[A-Z]{2}\d{2}$/;
/** An ICD-10 code, e.g. E11 or E11.9. */
export const ICD10_CODE = /^[A-Z]\d{2}(\.\d{1,2})?$/;
