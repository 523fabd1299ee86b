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
  const month = `stats.months.${monthKey(purchase.occurredAt)}`;
  const categories = [...new Set(purchase.items.map((item) => item.category))];
  if (purchase.type === 'refund') {
    return {
      $push: { 'stats.appliedTx': purchase._id },
      $inc: {
        [`${month}.spendCents`]: -purchase.totalCents,
        [`${month}.refundCents`]: purchase.totalCents,
      },
    };
  }
  return {
    $push: { 'stats.appliedTx': purchase._id },
    $inc: { [`${month}.count`]: 1, [`${month}.spendCents`]: purchase.totalCents },
    $min: { 'stats.firstPurchaseAt': purchase.occurredAt },
    $max: { 'stats.lastPurchaseAt': purchase.occurredAt },
    $addToSet: { 'stats.categories': { $each: categories } },
  };
}

export const notYetCounted = (transactionId: string) => ({
  'stats.appliedTx': { $ne: transactionId },
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
