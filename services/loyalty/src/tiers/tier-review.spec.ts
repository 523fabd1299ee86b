import { ConfigError, loadConfig } from '@crm/config';
import { LoyaltyConfig } from '../loyalty.config';
import {
  reviewedTier,
  reviewStartOf,
  reviewUnderWay,
  type TierReviewSettings,
} from './tier-review';

const china: TierReviewSettings = { monthDay: '01-01', utcOffsetMinutes: 480 };

describe('the yearly tier review', () => {
  it('starts at local midnight of the review date', () => {
    expect(reviewStartOf(2027, china)).toEqual(new Date('2026-12-31T16:00:00Z'));
    expect(reviewStartOf(2027, { monthDay: '07-15', utcOffsetMinutes: -300 })).toEqual(
      new Date('2027-07-15T05:00:00Z'),
    );
  });

  it('is under way from the review date for a few weeks, and not between reviews', () => {
    expect(reviewUnderWay(new Date('2026-12-31T15:59:59Z'), china)).toBeNull();
    expect(reviewUnderWay(new Date('2026-12-31T16:00:00Z'), china)).toBe('2027');
    expect(reviewUnderWay(new Date('2027-01-20T00:00:00Z'), china)).toBe('2027');
    expect(reviewUnderWay(new Date('2027-03-01T00:00:00Z'), china)).toBeNull();
    expect(reviewUnderWay(new Date('2027-11-30T00:00:00Z'), china)).toBeNull();
  });

  it('catches up across the new year when the review date is late in December', () => {
    const late = { monthDay: '12-20', utcOffsetMinutes: 480 };
    expect(reviewUnderWay(new Date('2027-01-05T00:00:00Z'), late)).toBe('2026');
    expect(reviewUnderWay(new Date('2027-12-19T15:59:00Z'), late)).toBeNull();
    expect(reviewUnderWay(new Date('2027-12-19T16:00:00Z'), late)).toBe('2027');
  });

  it('sets the tier the rolling spend earns, down as well as up, once per year', () => {
    const now = new Date('2027-01-02T02:00:00Z');
    // ¥9,000 counted in January 2026 has left the window (Feb 2026 – Jan 2027).
    const fallen = { months: { '2026-01': { cents: 900_000 }, '2026-06': { cents: 250_000 } } };
    expect(reviewedTier(fallen, '2027', now, 480)).toEqual({ to: 'silver', spendCents: 250_000 });
    expect(reviewedTier({ months: {} }, '2027', now, 480)).toEqual({
      to: 'regular',
      spendCents: 0,
    });
    expect(
      reviewedTier({ months: { '2026-12': { cents: 800_000 } } }, '2027', now, 480),
    ).toMatchObject({ to: 'gold' });
    expect(reviewedTier({ ...fallen, reviewedFor: '2027' }, '2027', now, 480)).toBeNull();
    expect(reviewedTier({ ...fallen, reviewedFor: '2026' }, '2027', now, 480)).not.toBeNull();
  });
});

describe('TIER_REVIEW_MONTH_DAY', () => {
  const problems = (value: string) => {
    try {
      loadConfig(LoyaltyConfig, { TIER_REVIEW_MONTH_DAY: value });
      return '';
    } catch (error) {
      return (error as ConfigError).problems.join('\n');
    }
  };

  it('takes a date every year has, and names the variable otherwise', () => {
    for (const good of ['01-01', '04-30', '02-28', '12-31'])
      expect(problems(good)).not.toContain('TIER_REVIEW_MONTH_DAY');
    for (const bad of ['1-1', '02-29', '04-31', '13-01', '00-10', '2027-01-01'])
      expect(problems(bad)).toContain('TIER_REVIEW_MONTH_DAY');
  });
});
