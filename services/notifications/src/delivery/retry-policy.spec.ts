import {
  outcomeOfStatus,
  providerForAttempt,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy';

const policy: RetryPolicy = {
  maxAttempts: 5,
  primaryAttempts: 2,
  baseDelayMs: 1000,
  primary: 'a',
  secondary: 'b',
};

describe('retries and failover', () => {
  it('tries the primary, then fails over', () => {
    expect([1, 2, 3, 4, 5].map((n) => providerForAttempt(policy, n))).toEqual([
      'a',
      'a',
      'b',
      'b',
      'b',
    ]);
  });

  it('stays with a provider that may have the message', () => {
    expect([3, 4, 5].map((n) => providerForAttempt(policy, n, 'a'))).toEqual(['a', 'a', 'a']);
  });

  it('backs off by doubling, and waits at least the Retry-After', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(policy, 1, 30_000)).toBe(30_000);
  });

  it('tells refusals from unknown outcomes', () => {
    expect(outcomeOfStatus(202, { id: 'p1' }, null)).toEqual({
      kind: 'accepted',
      providerMessageId: 'p1',
    });
    expect(outcomeOfStatus(500, null, null)).toMatchObject({ kind: 'refused', retryable: true });
    expect(outcomeOfStatus(429, null, '7')).toMatchObject({
      kind: 'refused',
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(outcomeOfStatus(400, null, null)).toMatchObject({ kind: 'refused', retryable: false });
    expect(outcomeOfStatus(504, null, null)).toMatchObject({ kind: 'unknown' });
    expect(outcomeOfStatus(200, {}, null)).toMatchObject({ kind: 'unknown' });
  });
});
