import type { EarningRuleRequest, PurchasedItem } from '@crm/contracts';

/** How sales earn points from a date on (DOMAIN.md, Loyalty): stored as data, see earning-rules/. */
export type EarningRule = Omit<EarningRuleRequest, 'effectiveFrom'> & { effectiveFrom: Date };

/** The chain's settings around earning that are not rules. */
export interface EarningSettings {
  /** The rule in force until an admin stores one (POINTS_* settings). */
  defaultRule: EarningRule;
  /** The chain's local time as an offset from UTC (China: +480): the member day, the months. */
  utcOffsetMinutes: number;
  /** Days after a sale before its points may be spent: the window for returning the goods. */
  returnWindowDays: number;
  /** Days points live before they expire (at the end of that local month). */
  lifetimeDays: number;
}

/** What one product of a sale earned; kept on the entry so a refund takes back exactly this. */
export interface EarnedLine {
  sku: string;
  quantity: number;
  points: number;
}

type SoldItem = Pick<PurchasedItem, 'sku' | 'category' | 'rx' | 'quantity' | 'unitPriceCents'>;

/**
 * Points each line of a sale earns under `rule` (the one in force when the sale was made) and
 * the member's tier multiplier: base rate × member day × product or category multiplier × tier,
 * nothing on excluded lines or below the minimum order.
 */
export function earnedLines(
  items: SoldItem[],
  occurredAt: Date,
  rule: EarningRule,
  { utcOffsetMinutes, tierMultiplier }: { utcOffsetMinutes: number; tierMultiplier: number },
): EarnedLine[] {
  const orderCents = items.reduce((sum, i) => sum + i.unitPriceCents * i.quantity, 0);
  const memberDay = isMemberDay(occurredAt, rule, utcOffsetMinutes) ? rule.memberDay.multiplier : 1;
  return items.map((item) => {
    const excluded =
      orderCents < rule.minimumOrderCents ||
      (item.rx && !rule.rxEarns) ||
      rule.excludedCategories.includes(item.category);
    const multiplier = memberDay * productMultiplier(rule, item) * tierMultiplier;
    const points = excluded
      ? 0
      : Math.floor((item.unitPriceCents * item.quantity * rule.pointsPerYuan * multiplier) / 100);
    return { sku: item.sku, quantity: item.quantity, points };
  });
}

function productMultiplier(rule: EarningRule, item: SoldItem): number {
  const bySku = rule.multipliers.find((m) => m.sku === item.sku);
  const byCategory = rule.multipliers.find(
    (m) => m.sku === undefined && m.category === item.category,
  );
  return (bySku ?? byCategory)?.multiplier ?? 1;
}

export function isMemberDay(at: Date, rule: EarningRule, utcOffsetMinutes: number): boolean {
  const local = new Date(at.getTime() + utcOffsetMinutes * 60_000);
  return local.getUTCDate() === rule.memberDay.dayOfMonth;
}

/** The rule in force at `at`: the latest that took effect by then (rules sorted oldest first). */
export function ruleAt(rules: EarningRule[], at: Date, fallback: EarningRule): EarningRule {
  let inForce = fallback;
  for (const rule of rules) if (rule.effectiveFrom <= at) inForce = rule;
  return inForce;
}

/**
 * What a refund takes back: for each refunded product, its share of what the sale earned for
 * the units refunded, never more than the sale's units. Shares are cut so that refunds of
 * every unit, in any number of parts, take back exactly what the sale earned.
 */
export function reversedLines(
  earned: EarnedLine[],
  refundedBefore: EarnedLine[],
  refunded: Pick<PurchasedItem, 'sku' | 'quantity'>[],
): EarnedLine[] {
  const sale = sumBySku(earned);
  const before = sumBySku(refundedBefore);
  const lines: EarnedLine[] = [];
  for (const [sku, { quantity }] of sumBySku(refunded.map((r) => ({ ...r, points: 0 })))) {
    const sold = sale.get(sku);
    if (!sold || sold.quantity === 0) continue;
    const from = Math.min(before.get(sku)?.quantity ?? 0, sold.quantity);
    const to = Math.min(from + quantity, sold.quantity);
    const share = (units: number) => Math.floor((sold.points * units) / sold.quantity);
    if (to > from) lines.push({ sku, quantity: to - from, points: share(to) - share(from) });
  }
  return lines;
}

export const pointsOf = (lines: EarnedLine[]) => lines.reduce((sum, l) => sum + l.points, 0);

function sumBySku(lines: EarnedLine[]): Map<string, { quantity: number; points: number }> {
  const bySku = new Map<string, { quantity: number; points: number }>();
  for (const { sku, quantity, points } of lines) {
    const seen = bySku.get(sku);
    if (seen) {
      seen.quantity += quantity;
      seen.points += points;
    } else bySku.set(sku, { quantity, points });
  }
  return bySku;
}
