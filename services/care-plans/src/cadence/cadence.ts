/**
 * Contact cadence by expected next purchase (004). The expected next purchase is when the
 * supply in hand runs out (days of supply, carried forward); without days of supply, the last
 * purchase plus the member's usual interval (the median gap between purchases). The tier sets
 * how often staff call and visit; the month's contacts are spread so they stay within the staff
 * contact budget (about 2 visits and 2–5 calls a member a month).
 */
const DAY_MS = 86_400_000;

export const CADENCE_TIERS = ['this_month', 'within_2_months', 'within_3_months', 'later'] as const;
export type CadenceTier = (typeof CADENCE_TIERS)[number];

/** The document's cadence, as data: days between calls and visits (null: none planned). */
export const CADENCE: Record<
  CadenceTier,
  { withinDays: number; callEveryDays: number | null; visitEveryDays: number | null }
> = {
  // Buying again this month anyway: stay in touch (one call), the refill reminder does the rest.
  this_month: { withinDays: 30, callEveryDays: 30, visitEveryDays: null },
  within_2_months: { withinDays: 60, callEveryDays: 3, visitEveryDays: 7 },
  within_3_months: { withinDays: 90, callEveryDays: 7, visitEveryDays: 14 },
  later: { withinDays: Infinity, callEveryDays: 14, visitEveryDays: 30 },
};

export const MONTHLY_BUDGET = { calls: 5, visits: 2 } as const;
const MONTH_DAYS = 30;

export interface PurchaseHistory {
  /** Purchase times (any order). */
  purchases: Date[];
  /** When the supply in hand runs out, per therapy (the refill reminders in force). */
  supplyEnds: Date[];
}

export interface ExpectedPurchase {
  at: Date;
  basis: 'supply' | 'interval';
}

export function expectedNextPurchase(history: PurchaseHistory, now: Date): ExpectedPurchase | null {
  // The first supply to run out brings the member back; one already out is due now.
  const ends = history.supplyEnds.map((d) => d.getTime()).sort((a, b) => a - b);
  if (ends.length > 0) return { at: new Date(Math.max(ends[0]!, now.getTime())), basis: 'supply' };
  const times = history.purchases.map((d) => d.getTime()).sort((a, b) => a - b);
  if (times.length < 2) return null;
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const next = times[times.length - 1]! + median;
  return { at: new Date(Math.max(next, now.getTime())), basis: 'interval' };
}

export function cadenceTier(expected: Date, now: Date): CadenceTier {
  const days = (expected.getTime() - now.getTime()) / DAY_MS;
  for (const tier of CADENCE_TIERS) if (days <= CADENCE[tier].withinDays) return tier;
  return 'later';
}

export interface PlannedContact {
  kind: 'call' | 'visit';
  n: number;
  dueAt: Date;
}

/**
 * The next 30 days' contacts of a tier, from `from`: every `callEveryDays` and
 * `visitEveryDays`, spaced further apart when that would exceed the monthly budget.
 */
export function monthOfContacts(
  tier: CadenceTier,
  from: Date,
  budget: { calls: number; visits: number } = MONTHLY_BUDGET,
): PlannedContact[] {
  const plan = (kind: 'call' | 'visit', every: number | null, most: number): PlannedContact[] => {
    if (every === null || most <= 0) return [];
    // As often as the tier says, unless that is more than the budget: then evenly within it.
    const spacing = Math.floor(MONTH_DAYS / every) > most ? MONTH_DAYS / most : every;
    const contacts: PlannedContact[] = [];
    for (let day = spacing, n = 1; day <= MONTH_DAYS + 1e-9 && n <= most; day += spacing, n++)
      contacts.push({ kind, n, dueAt: new Date(from.getTime() + Math.round(day) * DAY_MS) });
    return contacts;
  };
  const { callEveryDays, visitEveryDays } = CADENCE[tier];
  return [
    ...plan('call', callEveryDays, budget.calls),
    ...plan('visit', visitEveryDays, budget.visits),
  ].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.kind.localeCompare(b.kind));
}

export const STOP_REASONS = ['efficacy', 'quality', 'service', 'competitor'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** What a member who stopped buying gets, by why (004), as data. */
export const STOPPED_MEMBER_TASKS: Record<
  StopReason,
  {
    kind: 'visit' | 'review';
    priority: 'urgent' | 'high' | 'normal';
    assigneeRole: 'pharmacist' | 'store_manager';
    dueInDays: number;
    contentKey: string;
  }
> = {
  // The product did not work: an expert (the pharmacist) visits, urgently.
  efficacy: {
    kind: 'visit',
    priority: 'urgent',
    assigneeRole: 'pharmacist',
    dueInDays: 0,
    contentKey: 'care.stopped.efficacy',
  },
  // A quality problem: the manager visits, urgently (and a complaint is the manager's to open).
  quality: {
    kind: 'visit',
    priority: 'urgent',
    assigneeRole: 'store_manager',
    dueInDays: 0,
    contentKey: 'care.stopped.quality',
  },
  // Our service: the manager visits, or gives it to someone other than who served them.
  service: {
    kind: 'visit',
    priority: 'high',
    assigneeRole: 'store_manager',
    dueInDays: 3,
    contentKey: 'care.stopped.service',
  },
  // Gone to a competitor: review what they buy there, then a plan (enrolment) from it.
  competitor: {
    kind: 'review',
    priority: 'normal',
    assigneeRole: 'pharmacist',
    dueInDays: 7,
    contentKey: 'care.stopped.competitor-review',
  },
};
