import type { AnalyticsDimension, MemberAnalyticsRequest } from '@crm/contracts';
import { memberGrade, relationshipOf } from '../grade/member-grade';
import type { MemberDocument } from '../members/member.document';
import { monthKey } from '../purchases/purchase-stats';
import { ageBand } from '../members/personal-data';
import type { ExactFigures } from './small-counts';

/** The fields analytics read: no name, phone or health ever leaves the store for them. */
export const ANALYTICS_PROJECTION = {
  registeredAt: 1,
  gender: 1,
  birthDate: 1,
  ageBandAtErasure: 1,
  'address.region': 1,
  homeStoreId: 1,
  channel: 1,
  'stats.months': 1,
  engagement: 1,
} as const;

export type AnalyticsMember = Pick<
  MemberDocument,
  | 'registeredAt'
  | 'gender'
  | 'birthDate'
  | 'ageBandAtErasure'
  | 'address'
  | 'homeStoreId'
  | 'channel'
  | 'stats'
  | 'engagement'
>;

/** Months from..to inclusive ('YYYY-MM'). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > to) return months;
    months.push(key);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}

/**
 * Member figures for a period, in one pass over the members: counts, new and lapsed members,
 * average ticket (客单价) and return rate (回头率) from each member's monthly purchase buckets,
 * in total and grouped by one dimension.
 */
export class MemberAnalyticsAccumulator {
  private readonly months: string[];
  private readonly lastThree: string[];
  private readonly totals = new Tally();
  private readonly groups = new Map<string, Tally>();

  constructor(
    private readonly request: MemberAnalyticsRequest,
    private readonly now = new Date(),
  ) {
    this.months = monthsBetween(request.from, request.to);
    this.lastThree = this.months.slice(-3);
  }

  add(member: AnalyticsMember): void {
    const registered = monthKey(member.registeredAt);
    if (registered > this.request.to) return;
    const buckets = member.stats?.months ?? {};
    const countIn = (months: string[]) => months.reduce((n, m) => n + (buckets[m]?.count ?? 0), 0);
    const purchases = countIn(this.months);
    const spend = this.months.reduce((n, m) => n + (buckets[m]?.spendCents ?? 0), 0);
    const boughtBefore = Object.entries(buckets).some(
      ([m, b]) => m <= this.request.to && (b.count ?? 0) > 0,
    );
    const fact: MemberFact = {
      isNew: registered >= this.request.from,
      purchases,
      spend,
      lapsed: boughtBefore && countIn(this.lastThree) === 0,
    };
    this.totals.add(fact);
    if (this.request.by) {
      const key = this.keyOf(member, this.request.by);
      if (!this.groups.has(key)) this.groups.set(key, new Tally());
      this.groups.get(key)!.add(fact);
    }
  }

  /** Exact figures: what a role may see of them is decided by small-counts.ts. */
  result(): { totals: ExactFigures; groups: (ExactFigures & { key: string })[] } {
    return {
      totals: this.totals.figures(),
      groups: [...this.groups]
        .map(([key, tally]) => ({ key, ...tally.figures() }))
        .sort((a, b) => b.members - a.members || a.key.localeCompare(b.key)),
    };
  }

  private keyOf(member: AnalyticsMember, by: AnalyticsDimension): string {
    switch (by) {
      case 'gender':
        return member.gender ?? 'unspecified';
      case 'ageBand':
        return ageBand(member.birthDate, this.now) ?? member.ageBandAtErasure ?? 'unknown';
      case 'region':
        return member.address?.region ?? 'unknown';
      case 'store':
        return member.homeStoreId ?? 'none';
      case 'channel':
        return member.channel;
      case 'grade':
        return String(memberGrade(relationshipOf(member)));
    }
  }
}

interface MemberFact {
  isNew: boolean;
  purchases: number;
  spend: number;
  lapsed: boolean;
}

class Tally {
  private members = 0;
  private newMembers = 0;
  private active = 0;
  private returning = 0;
  private lapsed = 0;
  private purchases = 0;
  private spend = 0;

  add(fact: MemberFact): void {
    this.members++;
    if (fact.isNew) this.newMembers++;
    if (fact.purchases > 0) this.active++;
    if (fact.purchases > 1) this.returning++;
    if (fact.lapsed) this.lapsed++;
    this.purchases += fact.purchases;
    this.spend += fact.spend;
  }

  figures(): ExactFigures {
    return {
      members: this.members,
      newMembers: this.newMembers,
      activeMembers: this.active,
      lapsedMembers: this.lapsed,
      purchases: this.purchases,
      spendCents: this.spend,
      averageTicketCents: this.purchases > 0 ? Math.round(this.spend / this.purchases) : null,
      returnRate: this.active > 0 ? Math.round((this.returning / this.active) * 1000) / 1000 : null,
      returning: this.returning,
    };
  }
}
