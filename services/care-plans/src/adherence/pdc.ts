/**
 * Proportion of days covered (PDC), the standard way (PQA): the period runs from the first fill
 * in the window to the window's end; each fill covers its days from the later of its own day
 * and the end of the supply before it (an early refill is shifted forward, not double-counted);
 * coverage past the window's end does not count. Days are store days (China time).
 */
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

export interface Fill {
  at: Date;
  days: number;
}

export interface PdcResult {
  /** Covered days / days in the period, 0–1, three decimals; null without a fill in the window. */
  pdc: number | null;
  coveredDays: number;
  periodDays: number;
  fills: number;
  firstFillAt: Date | null;
}

export function storeDay(at: Date): number {
  return Math.floor((at.getTime() + CST_OFFSET_MS) / DAY_MS);
}

export function proportionOfDaysCovered(fills: readonly Fill[], from: Date, to: Date): PdcResult {
  const first = storeDay(from);
  const last = storeDay(to);
  const inWindow = fills
    .filter((f) => f.days > 0 && storeDay(f.at) >= first && storeDay(f.at) <= last)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  if (inWindow.length === 0)
    return { pdc: null, coveredDays: 0, periodDays: 0, fills: 0, firstFillAt: null };
  const start = storeDay(inWindow[0]!.at);
  const periodDays = last - start + 1;
  let suppliedUntil = start; // the first day not yet covered
  let covered = 0;
  for (const fill of inWindow) {
    const begins = Math.max(storeDay(fill.at), suppliedUntil);
    const ends = begins + fill.days; // exclusive
    covered += Math.max(0, Math.min(ends, last + 1) - begins);
    suppliedUntil = ends;
  }
  return {
    pdc: Math.round((covered / periodDays) * 1000) / 1000,
    coveredDays: covered,
    periodDays,
    fills: inWindow.length,
    firstFillAt: inWindow[0]!.at,
  };
}

/** Sales' days less what their refunds took back (a fully refunded sale supplies nothing). */
export function netFills(
  history: readonly { transactionId: string; at: Date; days: number; refundOf?: string }[],
): Fill[] {
  const refunded = new Map<string, number>();
  for (const h of history)
    if (h.days < 0 && h.refundOf)
      refunded.set(h.refundOf, (refunded.get(h.refundOf) ?? 0) - h.days);
  return history
    .filter((h) => h.days > 0)
    .map((h) => ({ at: h.at, days: Math.max(0, h.days - (refunded.get(h.transactionId) ?? 0)) }));
}
