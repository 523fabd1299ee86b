import type { PurchaseDocument } from './purchase.document';

/**
 * A member's purchase figures. POS sales reach them through the fold (fold-purchase-figures.ts),
 * purchases linked at registration one transaction at a time. Spend and counts
 * are bucketed by month (`YYYY-MM`, China time), so rolling 12-month figures are a sum of
 * at most 12 buckets on read, and no job has to expire old purchases.
 */
export interface PurchaseStats {
  /** Linked transactions already counted: the guard that makes a repeated link change nothing. */
  appliedTx: string[];
  /** Per POS partition, the offset through which the fold has counted this member's sales. */
  countedThrough?: Record<string, number>;
  firstPurchaseAt?: Date;
  lastPurchaseAt?: Date;
  categories: string[];
  months: Record<string, { count?: number; spendCents?: number; refundCents?: number }>;
}

export interface PurchaseSummary {
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  purchases12m: number;
  spend12mCents: number;
  averageTicket12mCents: number | null;
  categories: string[];
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export function monthKey(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** What a set of purchases adds to one member's figures: the unit the fold adds up. */
export interface Tally {
  months: PurchaseStats['months'];
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  categories: string[];
}

export function tallyOf(purchases: readonly PurchaseDocument[]): Tally {
  const tally: Tally = { months: {}, firstPurchaseAt: null, lastPurchaseAt: null, categories: [] };
  const categories = new Set<string>();
  for (const purchase of purchases) {
    const bucket = (tally.months[monthKey(purchase.occurredAt)] ??= {});
    if (purchase.type === 'refund') {
      bucket.spendCents = (bucket.spendCents ?? 0) - purchase.totalCents;
      bucket.refundCents = (bucket.refundCents ?? 0) + purchase.totalCents;
      continue;
    }
    bucket.count = (bucket.count ?? 0) + 1;
    bucket.spendCents = (bucket.spendCents ?? 0) + purchase.totalCents;
    tally.firstPurchaseAt = earliest(tally.firstPurchaseAt, purchase.occurredAt);
    tally.lastPurchaseAt = latest(tally.lastPurchaseAt, purchase.occurredAt);
    for (const item of purchase.items) categories.add(item.category);
  }
  tally.categories = [...categories];
  return tally;
}

/** Each member's tally over its purchases (purchases without a member are left out). */
export function tallyByMember(purchases: readonly PurchaseDocument[]) {
  const byMember = groupBy(
    purchases.filter((doc) => doc.memberId),
    (doc) => doc.memberId!,
  );
  return [...byMember].map(([memberId, docs]) => ({ memberId, tally: tallyOf(docs) }));
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Two tallies as one (the fold adds up a window's runs per member). */
export function addTallies(a: Tally, b: Tally): Tally {
  const months: Tally['months'] = structuredClone(a.months);
  for (const [month, bucket] of Object.entries(b.months)) {
    const into = (months[month] ??= {});
    for (const [figure, value] of Object.entries(bucket) as [keyof typeof bucket, number][])
      into[figure] = (into[figure] ?? 0) + value;
  }
  return {
    months,
    firstPurchaseAt: earliest(a.firstPurchaseAt, b.firstPurchaseAt),
    lastPurchaseAt: latest(a.lastPurchaseAt, b.lastPurchaseAt),
    categories: [...new Set([...a.categories, ...b.categories])],
  };
}

/** The update that adds a tally to a member's figures (its guard is the caller's). */
export function tallyUpdate(tally: Tally): Record<string, object> {
  const inc: Record<string, number> = {};
  for (const [month, bucket] of Object.entries(tally.months))
    for (const [figure, value] of Object.entries(bucket))
      if (value) inc[`stats.months.${month}.${figure}`] = value;
  const update: Record<string, object> = { $inc: inc };
  if (tally.firstPurchaseAt) update.$min = { 'stats.firstPurchaseAt': tally.firstPurchaseAt };
  if (tally.lastPurchaseAt) update.$max = { 'stats.lastPurchaseAt': tally.lastPurchaseAt };
  if (tally.categories.length > 0)
    update.$addToSet = { 'stats.categories': { $each: tally.categories } };
  return update;
}

const earliest = (a: Date | null, b: Date | null) => (!a ? b : !b || a <= b ? a : b);
const latest = (a: Date | null, b: Date | null) => (!a ? b : !b || a >= b ? a : b);

/** The update that counts one transaction on its member, once (paired with `notYetCounted`). */
export function countPurchase(purchase: PurchaseDocument): Record<string, object> {
  return countPurchases([purchase]);
}

export const notYetCounted = (transactionId: string) => ({
  'stats.appliedTx': { $ne: transactionId },
});

/**
 * Counts transactions outside the POS stream's fold (purchases linked when their buyer
 * registers), each guarded by its id.
 */
export function countPurchases(purchases: readonly PurchaseDocument[]): Record<string, object> {
  const ids = purchases.map((p) => p._id);
  return {
    ...tallyUpdate(tallyOf(purchases)),
    $push: { 'stats.appliedTx': ids.length === 1 ? ids[0]! : { $each: ids } },
  };
}

/** `YYYY-MM` keys of this month and the 11 before it, China time (hot: every member read). */
function lastTwelveMonths(now: Date): Set<string> {
  const at = new Date(now.getTime() + CHINA_OFFSET_MS);
  const months = new Set<string>();
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth() + 1;
  for (let i = 0; i < 12; i++) {
    months.add(`${year}-${month < 10 ? '0' : ''}${month}`);
    if (--month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}

/** Rolling figures over the 12 months up to `now` (this month and the 11 before it). */
export function summarize(stats: PurchaseStats | undefined, now = new Date()): PurchaseSummary {
  const months = lastTwelveMonths(now);
  let purchases = 0;
  let spend = 0;
  for (const [month, bucket] of Object.entries(stats?.months ?? {})) {
    if (!months.has(month)) continue;
    purchases += bucket.count ?? 0;
    spend += bucket.spendCents ?? 0;
  }
  return {
    firstPurchaseAt: stats?.firstPurchaseAt?.toISOString() ?? null,
    lastPurchaseAt: stats?.lastPurchaseAt?.toISOString() ?? null,
    purchases12m: purchases,
    spend12mCents: spend,
    averageTicket12mCents: purchases > 0 ? Math.round(spend / purchases) : null,
    categories: [...(stats?.categories ?? [])].sort(),
  };
}
