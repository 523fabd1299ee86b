import { adrReportDueAt } from './adverse-reaction';
import { batchAlertDue } from './batch-alert-window';

const DAY = 86_400_000;
const now = new Date('2026-12-03T02:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY);
const rule = { threshold: 3, windowDays: 30 };

describe('batch alert window', () => {
  it('raises at the threshold within the window, not before', () => {
    expect(batchAlertDue('SKU1', 'B1', [daysAgo(1), daysAgo(2)], now, rule)).toBeNull();
    const due = batchAlertDue('SKU1', 'B1', [daysAgo(1), daysAgo(2), now], now, rule);
    expect(due?.key).toMatch(/^batch-alert:SKU1:B1:\d+$/);
  });

  it('does not count complaints older than the window', () => {
    expect(batchAlertDue('SKU1', 'B1', [daysAgo(31), daysAgo(40), now], now, rule)).toBeNull();
  });

  it('keys one alert per batch and window: every later complaint of the window maps to it', () => {
    const first = batchAlertDue('SKU1', 'B1', [daysAgo(1), daysAgo(2), now], now, rule)!;
    const again = batchAlertDue('SKU1', 'B1', [daysAgo(1), daysAgo(2), now, now], now, rule)!;
    expect(again.key).toBe(first.key);
    const otherBatch = batchAlertDue('SKU1', 'B2', [daysAgo(1), daysAgo(2), now], now, rule)!;
    expect(otherBatch.key).not.toBe(first.key);
    expect(first.windowStart.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - first.windowStart.getTime()).toBeLessThan(30 * DAY);
  });
});

describe('ADR reporting deadline', () => {
  it('is 15 days, 3 for a serious reaction', () => {
    expect(adrReportDueAt(now, false)).toEqual(new Date(now.getTime() + 15 * DAY));
    expect(adrReportDueAt(now, true)).toEqual(new Date(now.getTime() + 3 * DAY));
  });
});
