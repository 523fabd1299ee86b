import { analyseRows, factsOfRow, monthsBetween, rollupId, rowOf, storeDayOf } from './case-rollup';
import { analyse, type CaseFacts } from './complaint-figures';

const at = (iso: string) => new Date(iso);

describe('case roll-up rows', () => {
  it('keep every fact analysis reads, to the millisecond', () => {
    const full: CaseFacts = {
      storeId: 'S008',
      category: 'quality',
      cause: 'storage',
      assignee: 'E042',
      receivedAt: at('2026-11-30T23:59:59.123Z'),
      firstRespondedAt: at('2026-12-01T00:10:00.001Z'),
      resolvedAt: at('2026-12-02T08:00:00.999Z'),
      breached: ['firstResponse', 'resolution'],
      satisfaction: 4,
    };
    const row = JSON.parse(JSON.stringify(rowOf(full))) as ReturnType<typeof rowOf>;
    expect(factsOfRow('S008', row)).toEqual({ ...full, breached: ['breached'] });
    const open: CaseFacts = {
      storeId: 'S001',
      category: 'service',
      assignee: null,
      receivedAt: at('2026-11-01T00:00:00Z'),
      firstRespondedAt: null,
      resolvedAt: null,
      breached: [],
    };
    expect(factsOfRow('S001', rowOf(open))).toEqual(open);
  });

  it('name a store-day’s document and field, and the months a range touches', () => {
    expect(storeDayOf('S008|2026-11-30')).toEqual({
      storeId: 'S008',
      month: '2026-11',
      dayField: 'd30',
    });
    expect(rollupId('S008', '2026-11')).toBe('S008|2026-11');
    expect(monthsBetween(at('2025-11-30T16:00:00Z'), at('2026-02-01T16:00:00Z'))).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(monthsBetween(at('2026-11-05T00:00:00Z'), at('2026-11-06T00:00:00Z'))).toEqual([
      '2026-11',
    ]);
  });
});

describe('figures from rows', () => {
  it('equal the figures of the same cases, in every dimension, within the range only', () => {
    const cases: CaseFacts[] = Array.from({ length: 500 }, (_, i) => {
      const receivedAt = Date.parse('2026-10-25T00:00:00Z') + i * 3_517_777;
      return {
        storeId: `S00${i % 4}`,
        category: ['quality', 'service', 'price'][i % 3]!,
        ...(i % 5 ? { cause: ['pricing', 'storage'][i % 2]! } : {}),
        assignee: i % 7 ? `E${i % 6}` : null,
        receivedAt: new Date(receivedAt),
        firstRespondedAt: i % 4 ? new Date(receivedAt + (i % 97) * 61_003) : null,
        resolvedAt: i % 3 ? new Date(receivedAt + (i % 400) * 600_007) : null,
        breached: i % 9 === 0 ? ['resolution'] : [],
        ...(i % 6 === 0 ? { satisfaction: (i % 5) + 1 } : {}),
      };
    });
    const start = new Date('2026-10-31T16:00:00Z');
    const end = new Date('2026-11-30T16:00:00Z');
    const inRange = cases.filter((c) => c.receivedAt >= start && c.receivedAt < end);
    const days = [0, 1, 2, 3].map((s) => ({
      storeId: `S00${s}`,
      rows: cases.filter((c) => c.storeId === `S00${s}`).map(rowOf),
    }));
    const sales = {
      total: 9000,
      byStore: new Map([['S009', 10]]),
      byMonth: new Map([['2026-11', 9000]]),
    };
    for (const by of ['store', 'category', 'cause', 'staff', 'month'] as const)
      expect(analyseRows(by, days, start, end, sales, 480)).toEqual(
        analyse(by, inRange, sales, 480),
      );
    expect(inRange.length).toBeGreaterThan(100);
    expect(inRange.length).toBeLessThan(cases.length);
  });
});
