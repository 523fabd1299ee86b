/**
 * Post-purchase follow-up (004): after a sale of a followed category, contacts on days 3, 7,
 * 14, 21 and 28, each anchored to the sale (a task done late moves none of the others). Day 14
 * is a visit when days 3 and 7 were calls (to see the member once in the first weeks).
 */
export const FOLLOW_UP_DAYS = [3, 7, 14, 21, 28] as const;
export type FollowUpDay = (typeof FOLLOW_UP_DAYS)[number];
export type ContactKind = 'call' | 'visit';

const DAY_MS = 86_400_000;

/** What each contact is for (004), as the key of the script staff read. */
const CONTENT_KEYS: Record<FollowUpDay, string> = {
  3: 'followup.d3.thank-explain-use',
  7: 'followup.d7.use-and-effect',
  14: 'followup.d14.visit-invite-events',
  21: 'followup.d21.effect-and-doubts',
  28: 'followup.d28.effect-before-after',
};

export interface PlannedFollowUp {
  id: string;
  day: FollowUpDay;
  kind: ContactKind;
  dueAt: Date;
  contentKey: string;
}

/** How the first two contacts are made (settings; calls by default). */
export interface FirstContacts {
  day3: ContactKind;
  day7: ContactKind;
}

export function followUpTaskId(transactionId: string, day: FollowUpDay): string {
  return `followup:${transactionId}:d${day}`;
}

/** The five follow-ups of one sale: ids from the sale alone, due dates from its time alone. */
export function planFollowUps(
  transactionId: string,
  saleAt: Date,
  first: FirstContacts = { day3: 'call', day7: 'call' },
): PlannedFollowUp[] {
  const kindOn = (day: FollowUpDay): ContactKind => {
    if (day === 3) return first.day3;
    if (day === 7) return first.day7;
    if (day === 14) return first.day3 === 'call' && first.day7 === 'call' ? 'visit' : 'call';
    return 'call';
  };
  return FOLLOW_UP_DAYS.map((day) => ({
    id: followUpTaskId(transactionId, day),
    day,
    kind: kindOn(day),
    dueAt: new Date(saleAt.getTime() + day * DAY_MS),
    contentKey: CONTENT_KEYS[day],
  }));
}

export interface Line {
  sku: string;
  quantity: number;
}

/** The lines of a sale that are followed up: their category is one of the followed ones. */
export function followedLines<T extends Line & { category: string }>(
  items: readonly T[],
  followedCategories: ReadonlySet<string>,
): Line[] {
  const bySku = new Map<string, number>();
  for (const item of items)
    if (followedCategories.has(item.category.toLowerCase()))
      bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Whether the refunds of a sale (all of them so far) took back every followed unit: then
 * nothing is left to follow up and the open follow-ups are cancelled. A partial refund (one
 * box of two) leaves the follow-ups as they are.
 */
export function refundsEndFollowUp(followed: readonly Line[], refunds: readonly Line[][]): boolean {
  if (followed.length === 0) return false;
  const returned = new Map<string, number>();
  for (const refund of refunds)
    for (const line of refund)
      returned.set(line.sku, (returned.get(line.sku) ?? 0) + line.quantity);
  return followed.every((line) => (returned.get(line.sku) ?? 0) >= line.quantity);
}
