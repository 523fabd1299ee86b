import { analyse, type CaseFacts, median } from './complaint-figures';

const at = (iso: string) => new Date(iso);
const base: CaseFacts = {
  storeId: 'S001',
  category: 'service',
  assignee: null,
  receivedAt: at('2026-11-30T16:30:00Z'), // 2026-12-01 00:30 in UTC+8
  firstRespondedAt: null,
  resolvedAt: null,
  breached: [],
};

describe('complaint figures', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it('groups by store against each store’s sales, and by local month', () => {
    const cases: CaseFacts[] = [
      {
        ...base,
        firstRespondedAt: at('2026-11-30T16:40:00Z'),
        resolvedAt: at('2026-11-30T18:30:00Z'),
        satisfaction: 4,
        breached: ['firstResponse'],
      },
      { ...base, firstRespondedAt: at('2026-11-30T17:00:00Z'), satisfaction: 2 },
      { ...base, storeId: 'S002', receivedAt: at('2026-11-29T10:00:00Z') },
    ];
    const sales = {
      total: 3000,
      byStore: new Map([
        ['S001', 1000],
        ['S002', 1500],
        ['S003', 500],
      ]),
      byMonth: new Map([
        ['2026-11', 2000],
        ['2026-12', 1000],
      ]),
    };
    const byStore = analyse('store', cases, sales, 480);
    expect(byStore.totals).toMatchObject({
      complaints: 3,
      sales: 3000,
      complaintRatePer1000Sales: 1,
    });
    expect(byStore.groups).toEqual([
      {
        key: 'S001',
        complaints: 2,
        sales: 1000,
        complaintRatePer1000Sales: 2,
        medianFirstResponseMinutes: 20,
        medianResolutionMinutes: 120,
        slaBreachRate: 0.5,
        satisfactionAverage: 3,
        satisfactionCount: 2,
      },
      expect.objectContaining({ key: 'S002', complaints: 1, complaintRatePer1000Sales: 0.67 }),
      expect.objectContaining({ key: 'S003', complaints: 0, complaintRatePer1000Sales: 0 }),
    ]);
    const byMonth = analyse('month', cases, sales, 480);
    expect(byMonth.groups.map((g) => [g.key, g.complaints, g.sales])).toEqual([
      ['2026-12', 2, 1000],
      ['2026-11', 1, 2000],
    ]);
    const byStaff = analyse('staff', cases, sales, 480);
    expect(byStaff.groups.map((g) => [g.key, g.complaints, g.sales])).toEqual([
      ['unassigned', 3, 3000],
    ]);
  });
});
