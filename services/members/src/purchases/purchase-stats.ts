import type { PurchaseDocument } from './purchase.document';

/**
 * A member's purchase figures, kept up to date one transaction at a time. Spend and counts
 * are bucketed by month (`YYYY-MM`, China time), so rolling 12-month figures are a sum of
 * at most 12 buckets on read, and no job has to expire old purchases.
 */
export interface PurchaseStats {
  /** Transactions already counted: the guard that makes a redelivery change nothing. */
  appliedTx: string[];
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

/** The update that counts one transaction on its member, once (paired with `notYetCounted`). */
export function countPurchase(purchase: PurchaseDocument) {
  return countPurchases([purchase]);
}

export const notYetCounted = (transactionId: string) => ({
  'stats.appliedTx': { $ne: transactionId },
});

/**
 * One update that counts several transactions of the same member (paired with
 * `noneYetCounted`): a batch of sales costs the store one write per member, not one per sale.
 */
export function countPurchases(purchases: readonly PurchaseDocument[]) {
  const inc: Record<string, number> = {};
  const add = (key: string, n: number) => (inc[key] = (inc[key] ?? 0) + n);
  const sales = purchases.filter((p) => p.type === 'sale');
  for (const purchase of purchases) {
    const month = `stats.months.${monthKey(purchase.occurredAt)}`;
    if (purchase.type === 'refund') {
      add(`${month}.spendCents`, -purchase.totalCents);
      add(`${month}.refundCents`, purchase.totalCents);
    } else {
      add(`${month}.count`, 1);
      add(`${month}.spendCents`, purchase.totalCents);
    }
  }
  const ids = purchases.map((p) => p._id);
  const update: Record<string, object> = {
    $push: { 'stats.appliedTx': ids.length === 1 ? ids[0]! : { $each: ids } },
    $inc: inc,
  };
  if (sales.length === 0) return update;
  const times = sales.map((p) => p.occurredAt.getTime());
  const categories = [...new Set(sales.flatMap((p) => p.items.map((item) => item.category)))];
  return {
    ...update,
    $min: { 'stats.firstPurchaseAt': new Date(Math.min(...times)) },
    $max: { 'stats.lastPurchaseAt': new Date(Math.max(...times)) },
    $addToSet: { 'stats.categories': { $each: categories } },
  };
}

export const noneYetCounted = (transactionIds: readonly string[]) => ({
  'stats.appliedTx': { $nin: transactionIds },
});

/** Rolling figures over the 12 months up to `now` (this month and the 11 before it). */
export function summarize(stats: PurchaseStats | undefined, now = new Date()): PurchaseSummary {
  const months = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const at = new Date(now.getTime() + CHINA_OFFSET_MS);
    at.setUTCDate(1);
    at.setUTCMonth(at.getUTCMonth() - i);
    months.add(at.toISOString().slice(0, 7));
  }
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
