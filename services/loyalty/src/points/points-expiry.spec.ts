import { bookAfter, dueBefore, type ExpiryBook, unspentByMonth } from './points-expiry';

const empty: ExpiryBook = { expiring: {}, debited: 0 };
const apply = (book: ExpiryBook, ...entries: Parameters<typeof bookAfter>[1][]) =>
  entries.reduce(bookAfter, book);
const earn = (id: string, points: number, expiresAfter: string) =>
  ({ _id: `earn:${id}`, kind: 'earn', points, expiresAfter }) as const;

describe('points expiry, oldest first', () => {
  it('spends the oldest credits first, so what expires is what is left of them', () => {
    const book = apply(empty, earn('A', 100, '2026-01'), earn('B', 50, '2026-03'), {
      _id: 'redeem:1',
      kind: 'redeem',
      points: -120,
    });
    expect(unspentByMonth(book)).toEqual({ '2026-03': 30 });
    expect(dueBefore(book, '2026-02')).toBe(0);
    expect(dueBefore(book, '2026-04')).toBe(30);
    // Expired once: nothing is due again.
    const expired = bookAfter(book, { _id: 'expire:m:2026-04', kind: 'expire', points: -30 });
    expect(dueBefore(expired, '2026-04')).toBe(0);
  });

  it('takes a refund back from its sale’s month, and a debt from later credits', () => {
    const book = apply(
      empty,
      earn('A', 100, '2026-01'),
      { _id: 'redeem:1', kind: 'redeem', points: -100 },
      { _id: 'reverse:R', kind: 'reverse', points: -100, expiresAfter: '2026-01' },
      earn('B', 70, '2026-05'),
    );
    // Balance -30 = 70 - 100: the debt takes B's credits, nothing expires.
    expect(unspentByMonth(book)).toEqual({});
    expect(dueBefore(book, '2026-12')).toBe(0);
  });

  it('moves a merged member’s unspent credits with their months', () => {
    const duplicate = apply(empty, earn('A', 100, '2026-01'), earn('B', 40, '2026-02'), {
      _id: 'redeem:1',
      kind: 'redeem',
      points: -110,
    });
    const buckets = unspentByMonth(duplicate);
    expect(
      bookAfter(duplicate, { _id: 'merge-out:d', kind: 'merge', points: -30, buckets }),
    ).toEqual(empty);
    const survivor = bookAfter(earn_('2026-06'), {
      _id: 'merge-in:d',
      kind: 'merge',
      points: 30,
      buckets,
    });
    expect(unspentByMonth(survivor)).toEqual({ '2026-02': 30, '2026-06': 10 });
  });
});

function earn_(month: string): ExpiryBook {
  return bookAfter(empty, earn('S', 10, month));
}
