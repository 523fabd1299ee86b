import type { PurchasedItem } from '@crm/contracts';

/** How sales earn points (DOMAIN.md, Loyalty). */
export interface EarningSettings {
  /** Points per yuan spent (100 cents), before multipliers. */
  pointsPerYuan: number;
  /** Prescription items earn nothing unless the chain decides otherwise. */
  rxEarns: boolean;
  /** The monthly member day, in the chain's local time: its sales earn `multiplier` times. */
  memberDay: { dayOfMonth: number; multiplier: number };
  /** The chain's local time as an offset from UTC (China: +480). */
  utcOffsetMinutes: number;
  /** Days after a sale before its points may be spent: the window for returning the goods. */
  returnWindowDays: number;
}

/** What one product of a sale earned; kept on the entry so a refund takes back exactly this. */
export interface EarnedLine {
  sku: string;
  quantity: number;
  points: number;
}

/** Points each line of a sale earns, at the settings in force when it was made. */
export function earnedLines(
  items: Pick<PurchasedItem, 'sku' | 'rx' | 'quantity' | 'unitPriceCents'>[],
  occurredAt: Date,
  settings: EarningSettings,
): EarnedLine[] {
  const multiplier = isMemberDay(occurredAt, settings) ? settings.memberDay.multiplier : 1;
  return items.map(({ sku, rx, quantity, unitPriceCents }) => ({
    sku,
    quantity,
    points:
      rx && !settings.rxEarns
        ? 0
        : Math.floor((unitPriceCents * quantity * settings.pointsPerYuan * multiplier) / 100),
  }));
}

export function isMemberDay(at: Date, settings: EarningSettings): boolean {
  const local = new Date(at.getTime() + settings.utcOffsetMinutes * 60_000);
  return local.getUTCDate() === settings.memberDay.dayOfMonth;
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
