import type { Allergen, SafetySeverity } from '@crm/contracts';

/**
 * The safety table, as data. ATC prefixes at any level (M01A = anti-inflammatory non-steroids,
 * B01A = antithrombotics, C09A = ACE inhibitors, C03D = potassium-sparing diuretics). Pairs
 * are symmetric. Start with the pairs a community pharmacy meets daily; the pharmacist decides.
 */
export interface InteractionRule {
  id: string;
  a: string[];
  b: string[];
  severity: SafetySeverity;
  message: string;
}

export interface AllergyRule {
  id: string;
  allergen: Allergen;
  atc: string[];
  severity: SafetySeverity;
  message: string;
}

export const INTERACTIONS: readonly InteractionRule[] = [
  {
    id: 'nsaid-anticoagulant',
    a: ['M01A', 'N02BA'],
    b: ['B01AA', 'B01AE', 'B01AF', 'B01AB'],
    severity: 'major',
    message: 'Bleeding risk: an NSAID or aspirin with an anticoagulant',
  },
  {
    id: 'nsaid-antiplatelet',
    a: ['M01A'],
    b: ['B01AC'],
    severity: 'moderate',
    message:
      'Bleeding risk: an NSAID with an antiplatelet (ibuprofen also blunts low-dose aspirin)',
  },
  {
    id: 'nsaid-raas-diuretic',
    a: ['M01A'],
    b: ['C09', 'C03'],
    severity: 'moderate',
    message:
      'An NSAID weakens blood-pressure treatment and strains the kidneys with ACE inhibitors, ARBs or diuretics',
  },
  {
    id: 'raas-potassium-sparing',
    a: ['C09A', 'C09B', 'C09C', 'C09D'],
    b: ['C03D', 'C03EA'],
    severity: 'major',
    message: 'Hyperkalaemia: an ACE inhibitor or ARB with a potassium-sparing diuretic',
  },
  {
    id: 'potassium-supplement',
    a: ['A12BA'],
    b: ['C03D', 'C09A', 'C09C'],
    severity: 'major',
    message: 'Hyperkalaemia: potassium with a potassium-sparing diuretic, ACE inhibitor or ARB',
  },
  {
    id: 'nsaid-ssri',
    a: ['M01A', 'N02BA'],
    b: ['N06AB'],
    severity: 'moderate',
    message: 'Gastro-intestinal bleeding: an NSAID with an SSRI',
  },
  {
    id: 'nsaid-methotrexate',
    a: ['M01A'],
    b: ['L04AX03', 'L01BA01'],
    severity: 'major',
    message: 'Methotrexate toxicity: NSAIDs reduce its clearance',
  },
  {
    id: 'tramadol-ssri',
    a: ['N02AX02'],
    b: ['N06AB'],
    severity: 'major',
    message: 'Serotonin syndrome and seizures: tramadol with an SSRI',
  },
  {
    id: 'statin-macrolide',
    a: ['C10AA01', 'C10AA05'],
    b: ['J01FA09', 'J01FA01'],
    severity: 'major',
    message: 'Myopathy: simvastatin or atorvastatin with clarithromycin or erythromycin',
  },
  {
    id: 'pde5-nitrate',
    a: ['G04BE'],
    b: ['C01DA'],
    severity: 'contraindicated',
    message: 'Severe hypotension: a PDE-5 inhibitor with a nitrate',
  },
  {
    id: 'bisphosphonate-calcium',
    a: ['M05BA', 'M05BB'],
    b: ['A12AA', 'A12AX', 'A02A'],
    severity: 'minor',
    message: 'Calcium and antacids stop a bisphosphonate being absorbed: take it 30 minutes before',
  },
  {
    id: 'levothyroxine-calcium-iron',
    a: ['H03AA'],
    b: ['A12AA', 'A12AX', 'B03A'],
    severity: 'minor',
    message: 'Calcium or iron reduce levothyroxine absorption: 4 hours apart',
  },
];

export const ALLERGIES: readonly AllergyRule[] = [
  {
    id: 'allergy-nsaid',
    allergen: 'nsaid',
    atc: ['M01A', 'M02AA', 'N02BA'],
    severity: 'contraindicated',
    message: 'The member is allergic to NSAIDs',
  },
  {
    id: 'allergy-aspirin',
    allergen: 'aspirin',
    atc: ['N02BA', 'B01AC06'],
    severity: 'contraindicated',
    message: 'The member is allergic to aspirin',
  },
  {
    id: 'allergy-aspirin-nsaid-cross',
    allergen: 'aspirin',
    atc: ['M01A'],
    severity: 'major',
    message: 'Aspirin allergy: NSAIDs often cross-react',
  },
  {
    id: 'allergy-penicillin',
    allergen: 'penicillin',
    atc: ['J01C'],
    severity: 'contraindicated',
    message: 'The member is allergic to penicillins',
  },
  {
    id: 'allergy-penicillin-cephalosporin-cross',
    allergen: 'penicillin',
    atc: ['J01DB', 'J01DC', 'J01DD', 'J01DE'],
    severity: 'moderate',
    message: 'Penicillin allergy: cephalosporins occasionally cross-react',
  },
  {
    id: 'allergy-cephalosporin',
    allergen: 'cephalosporin',
    atc: ['J01DB', 'J01DC', 'J01DD', 'J01DE'],
    severity: 'contraindicated',
    message: 'The member is allergic to cephalosporins',
  },
  {
    id: 'allergy-sulfonamide',
    allergen: 'sulfonamide',
    atc: ['J01E'],
    severity: 'contraindicated',
    message: 'The member is allergic to sulfonamides',
  },
  {
    id: 'allergy-iodine',
    allergen: 'iodine',
    atc: ['V08A', 'D08AG'],
    severity: 'major',
    message: 'The member reacts to iodine',
  },
];
