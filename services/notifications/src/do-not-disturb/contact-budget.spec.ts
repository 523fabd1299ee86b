import { budgetRule, budgetWindowStart, type BudgetSettings } from './contact-budget';
import { freeSlotUses, type SlotUse } from './marketing-cap';

const settings: BudgetSettings = { size: 4, windowDays: 7, clinicalReserve: 1 };
const now = new Date('2026-11-22T10:00:00Z');

/** The pool as SlotPools runs it, in memory: take the first free slot unless keepFree says no. */
function simulate(purposes: ('clinical' | 'service' | 'marketing')[]) {
  const taken: SlotUse[] = [];
  return purposes.map((purpose) => {
    const rule = budgetRule(purpose, settings);
    const free = freeSlotUses(taken, settings.size, budgetWindowStart(now, settings.windowDays));
    const next = free[0];
    const took = !!next && free.length > rule.keepFree;
    if (took) taken.push({ ...next, takenAt: now });
    return took || !rule.refuseWhenFull;
  });
}

describe('one contact budget across purposes', () => {
  it('lets marketing take the budget only up to the clinical reserve', () => {
    expect(simulate(['marketing', 'marketing', 'marketing', 'marketing'])).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('never refuses a clinical or service message, even with the budget used', () => {
    expect(
      simulate(['marketing', 'marketing', 'marketing', 'clinical', 'clinical', 'service']),
    ).toEqual([true, true, true, true, true, true]);
  });

  it('counts clinical contact against marketing, never the other way round', () => {
    expect(simulate(['clinical', 'clinical', 'service', 'marketing', 'clinical'])).toEqual([
      true,
      true,
      true,
      false,
      true,
    ]);
  });

  it('frees a slot once its use leaves the rolling window', () => {
    const week = budgetWindowStart(now, 7);
    const old: SlotUse[] = [1, 2, 3, 4].map((slot) => ({
      slot,
      use: 1,
      takenAt: new Date(week.getTime() - (slot === 1 ? 1 : -1)),
    }));
    expect(freeSlotUses(old, 4, week)).toEqual([{ slot: 1, use: 2 }]);
  });
});
