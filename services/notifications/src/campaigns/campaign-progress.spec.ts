import { countsOf, reasonKey } from './campaign-progress';

describe('campaign progress from its messages', () => {
  it('adds statuses up, skips by reason, and counts pending messages as remaining', () => {
    const counts = countsOf(
      [
        { status: 'delivered', reason: null, n: 5 },
        { status: 'sent', reason: null, n: 2 },
        { status: 'replied', reason: null, n: 1 },
        { status: 'queued', reason: null, n: 3 },
        { status: 'deferred', reason: 'quiet-hours', n: 4 },
        { status: 'skipped', reason: 'no-marketing-consent', n: 6 },
        {
          status: 'skipped',
          reason: 'cap-reached: 4 marketing sms messages per rolling year',
          n: 1,
        },
        {
          status: 'skipped',
          reason: 'cap-reached: 8 marketing email messages per rolling year',
          n: 1,
        },
        { status: 'failed', reason: 'dead-lettered after 5 attempts: x', n: 2 },
        { status: 'pending', reason: null, n: 7 },
      ],
      40,
    );
    expect(counts).toEqual({
      sent: 8,
      delivered: 6,
      queued: 3,
      deferred: 4,
      skipped: { 'no-marketing-consent': 6, 'cap-reached': 2 },
      failed: 2,
      remaining: 40 - 25,
    });
  });

  it('leaves remaining open until the segment was read whole', () => {
    expect(countsOf([{ status: 'queued', reason: null, n: 3 }], null).remaining).toBeNull();
    expect(countsOf([], 0).remaining).toBe(0);
  });

  it('keys reasons by their words before the detail', () => {
    expect(reasonKey('missing variables: date, store')).toBe('missing-variables');
    expect(reasonKey(null)).toBe('unknown');
    expect(reasonKey('campaign-cancelled')).toBe('campaign-cancelled');
  });
});
