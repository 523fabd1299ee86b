import { safetyCheck } from './safety-check';

const IBUPROFEN = { sku: 'IBU400', atc: 'M01AE01', category: 'pain-relief' };
const NAPROXEN = { sku: 'NAP250', atc: 'M01AE02', category: 'pain-relief' };
const SPIRONOLACTONE = { sku: 'SPI25', atc: 'C03DA01', category: 'cardio' };
const AMOXICILLIN = { sku: 'AMX500', atc: 'J01CA04', category: 'antibiotics' };
const CALCIUM = { sku: 'CAL600', atc: 'A12AA04', category: 'supplements' };
const VITAMIN_C = { sku: 'VITC', category: 'vitamins' };

const rules = (r: ReturnType<typeof safetyCheck>) =>
  r.warnings.map((w) => `${w.rule}:${w.severity}:${w.sku}`);

describe('safety check', () => {
  it('an NSAID with warfarin is a major bleeding risk', () => {
    const r = safetyCheck([IBUPROFEN], [], [{ name: 'warfarin 3mg', atc: 'B01AA03' }]);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        kind: 'interaction',
        rule: 'nsaid-anticoagulant',
        severity: 'major',
        sku: 'IBU400',
        with: { medication: 'warfarin 3mg', atc: 'B01AA03' },
      }),
    ]);
  });

  it('an NSAID allergy contraindicates ibuprofen; an aspirin allergy warns of cross-reaction', () => {
    expect(rules(safetyCheck([IBUPROFEN], ['nsaid'], []))).toEqual([
      'allergy-nsaid:contraindicated:IBU400',
    ]);
    expect(rules(safetyCheck([IBUPROFEN], ['aspirin'], []))).toEqual([
      'allergy-aspirin-nsaid-cross:major:IBU400',
    ]);
  });

  it('an ACE inhibitor with a potassium-sparing diuretic: hyperkalaemia', () => {
    expect(
      rules(safetyCheck([SPIRONOLACTONE], [], [{ name: 'enalapril 10mg', atc: 'C09AA02' }])),
    ).toEqual(['raas-potassium-sparing:major:SPI25']);
  });

  it('penicillin allergy contraindicates amoxicillin; unrelated allergies and products are quiet', () => {
    expect(rules(safetyCheck([AMOXICILLIN], ['penicillin'], []))).toEqual([
      'allergy-penicillin:contraindicated:AMX500',
    ]);
    expect(
      safetyCheck([AMOXICILLIN, CALCIUM], ['pollen'], [{ name: 'metformin', atc: 'A10BA02' }])
        .warnings,
    ).toEqual([]);
  });

  it('checks products against each other, flags a duplicate class, most severe first', () => {
    const r = safetyCheck(
      [CALCIUM, IBUPROFEN, NAPROXEN, VITAMIN_C],
      ['nsaid'],
      [{ name: 'alendronate 70mg', atc: 'M05BA04' }, { name: 'diclofenac gel' }],
    );
    expect(rules(r)).toEqual([
      'allergy-nsaid:contraindicated:IBU400',
      'allergy-nsaid:contraindicated:NAP250',
      'duplicate-class:moderate:IBU400',
      'bisphosphonate-calcium:minor:CAL600',
    ]);
    expect(r.unchecked).toEqual(['VITC']);
  });
});
