import type { PlanStep } from '@crm/contracts';
import { reviewPlanSteps } from './plan-step-safety';

const step = (products: PlanStep['products']): PlanStep => ({
  offsetDays: 0,
  kind: 'guidance',
  actor: 'pharmacist',
  contentKey: 'x.guidance',
  content: { 'zh-CN': '指导', en: 'Guidance' },
  ...(products ? { products } : {}),
});

const ibuprofen = { sku: 'IBU400', atc: 'M01AE01', category: 'pain-relief' };
const paracetamol = { sku: 'PCM500', atc: 'N02BE01', category: 'pain-relief' };
const alendronate = { sku: 'ALN70', atc: 'M05BA04', category: 'osteoporosis' };
const calcium = { sku: 'CAD600', atc: 'A12AX', category: 'supplements' };

describe('plan steps that recommend products', () => {
  it('keep back what the check flags, with the rule and why, and recommend the rest', () => {
    const [review] = reviewPlanSteps([step([ibuprofen, paracetamol])], {
      allergies: [],
      medications: [{ name: 'warfarin 3mg', atc: 'B01AA03' }],
    });
    expect(review).toEqual({
      step: 0,
      recommended: ['PCM500'],
      heldBack: [
        expect.objectContaining({ sku: 'IBU400', rule: 'nsaid-anticoagulant', severity: 'major' }),
      ],
    });
    expect(review!.heldBack[0]!.message).toMatch(/bleed/i);
  });

  it('an allergy keeps the product back', () => {
    const [review] = reviewPlanSteps([step([ibuprofen])], {
      allergies: ['nsaid'],
      medications: [],
    });
    expect(review!.recommended).toEqual([]);
    expect(review!.heldBack.map((h) => h.rule)).toEqual(['allergy-nsaid']);
  });

  it('two products of one step that interact: each flagged one is kept back once', () => {
    const [review] = reviewPlanSteps([step([alendronate, calcium])], {
      allergies: [],
      medications: [],
    });
    expect(review!.heldBack.map((h) => [h.sku, h.rule])).toEqual([
      ['ALN70', 'bisphosphonate-calcium'],
    ]);
    expect(review!.recommended).toEqual(['CAD600']);
  });

  it('a refill of the medicine the member takes is not a duplicate therapy', () => {
    const [review] = reviewPlanSteps([step([alendronate])], {
      allergies: [],
      medications: [{ name: 'alendronate 70mg', atc: 'M05BA04' }],
    });
    expect(review).toEqual({ step: 0, recommended: ['ALN70'], heldBack: [] });
  });

  it('unchecked (no health data to check against): nothing is recommended', () => {
    const [review] = reviewPlanSteps([step(undefined), step([paracetamol])], null);
    expect(review).toEqual({
      step: 1,
      recommended: [],
      heldBack: [expect.objectContaining({ sku: 'PCM500', rule: 'safety-check-not-run' })],
    });
  });
});
