import { bucketsOf, type BucketField, type ListingScope, markersOf, scopeOf } from './list-buckets';
import {
  keyedBucketsOf,
  keyedMarkersOf,
  type ListingFilterKeys,
  listingScopeOf,
} from './listing-keys';
import {
  type ListingPage,
  type ListingReads,
  type PagePosition,
  readListingPage,
} from './listing-page';

type Case = {
  _id: string;
  receivedAt: Date;
  storeId: string;
  status: string;
  breached: boolean;
} & Partial<Record<BucketField, string | null>>;

/** An in-memory store counting its reads, as the repositories would answer. */
function storeOf(cases: Case[], status?: string, breached?: boolean) {
  const markers = new Map(
    cases
      .flatMap((c) => [
        ...markersOf(c.storeId, c.receivedAt),
        ...keyedMarkersOf(c.storeId, c.receivedAt, c),
      ])
      .map((m) => [m._id, m]),
  );
  const counts = { children: 0, buckets: 0 };
  const reads: ListingReads<Case> = {
    children: async (parent) => {
      counts.children++;
      return [...markers.values()].filter((m) => m.parent === parent).map((m) => m._id);
    },
    inBucket: async (field: BucketField, bucket) => {
      counts.buckets++;
      // Unsorted, as the store answers.
      return cases
        .filter(
          (c) =>
            c[field] === bucket &&
            (!status || c.status === status) &&
            (breached === undefined || c.breached === breached),
        )
        .reverse();
    },
  };
  return { reads, counts };
}

const HOUR = 3_600_000;
const start = Date.parse('2026-11-01T00:00:00.000Z');
/**
 * 60 cases over 45 days, two stores, a status every third, a missed target every seventh; some
 * at the same instant.
 */
const cases: Case[] = Array.from({ length: 60 }, (_, i) => {
  const receivedAt = new Date(start + Math.floor(i / 2) * 36 * HOUR);
  const storeId = i % 2 ? 'S002' : 'S001';
  const status = i % 3 === 0 ? 'accepted' : 'closed';
  const breached = i % 7 === 0;
  return {
    _id: `C${String(i).padStart(3, '0')}`,
    receivedAt,
    storeId,
    status,
    breached,
    ...bucketsOf(storeId, receivedAt),
    ...keyedBucketsOf(storeId, receivedAt, { status, breached }),
  };
});
const newestFirst = (list: Case[]) =>
  [...list].sort(
    (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : -1),
  );

async function everyPage(
  reads: ListingReads<Case>,
  storeId: string | undefined,
  limit: number,
  scope: ListingScope = scopeOf(storeId),
) {
  const seen: Case[][] = [];
  let after: PagePosition | null = null;
  for (let guard = 0; guard < 200; guard++) {
    const page: ListingPage<Case> = await readListingPage(reads, scope, after, limit);
    seen.push(page.items);
    if (!page.next) return seen;
    after = page.next;
  }
  throw new Error('the listing never ended');
}

describe('a listing page read bucket by bucket', () => {
  it('pages the whole chain newest first, each case once, across months and days', async () => {
    const { reads } = storeOf(cases);
    const pages = await everyPage(reads, undefined, 7);
    expect(pages.flat().map((c) => c._id)).toEqual(newestFirst(cases).map((c) => c._id));
  });

  it("pages one store's cases only, in order", async () => {
    const { reads } = storeOf(cases);
    const pages = await everyPage(reads, 'S002', 4);
    const expected = newestFirst(cases.filter((c) => c.storeId === 'S002'));
    expect(pages.flat().map((c) => c._id)).toEqual(expected.map((c) => c._id));
  });

  it('keeps a filter correct when it matches few cases: short pages, none lost', async () => {
    const { reads } = storeOf(cases, 'accepted');
    const pages = await everyPage(reads, 'S001', 20);
    const expected = newestFirst(
      cases.filter((c) => c.storeId === 'S001' && c.status === 'accepted'),
    );
    expect(pages.flat().map((c) => c._id)).toEqual(expected.map((c) => c._id));
    expect(pages.length).toBeGreaterThan(1);
  });

  it('reads no more than its bucket budget per page, and only buckets that have cases', async () => {
    const { reads, counts } = storeOf(cases, 'none-such');
    const page = await readListingPage(reads, scopeOf(undefined), null, 20, 5);
    expect(page.items).toEqual([]);
    expect(page.next).not.toBeNull();
    expect(counts.buckets).toBe(5);
    // Root, a month, and the days walked into: a marker read per level entered.
    expect(counts.children).toBeLessThanOrEqual(2 + 6);
  });

  it('reads one bucket when the newest fills the page, then as many as its yield says', async () => {
    // S001 has a case every third day: a page of 1 needs 2 cases; the first bucket gave 1, so 1 more.
    const { reads, counts } = storeOf(cases);
    const page = await readListingPage(reads, scopeOf('S001'), null, 1);
    expect(page.items).toHaveLength(1);
    expect(counts.buckets).toBe(2);
    // A partly filled newest bucket asks for no more than one more than read so far.
    // The newest day holds 1 case, the five before it 5 each.
    const daily = (day: number, n: number): Case[] =>
      Array.from({ length: n }, (_, k) => {
        const receivedAt = new Date(start + day * 24 * HOUR + k * HOUR);
        return {
          _id: `D${day}-${k}`,
          receivedAt,
          storeId: 'S001',
          status: 'closed',
          breached: false,
          ...bucketsOf('S001', receivedAt),
        };
      });
    const partial = storeOf([6, 5, 4, 3, 2, 1].flatMap((day) => daily(day, day === 6 ? 1 : 5)));
    const filled = await readListingPage(partial.reads, scopeOf('S001'), null, 4);
    // 1 case in the first bucket, 4 more needed: 2 read next (not 4), which fill the page.
    expect(filled.items).toHaveLength(4);
    expect(partial.counts.buckets).toBe(3);
    // A filter that the first buckets do not match reads 1, 2, then the rest of its budget.
    const sparse = storeOf(cases, 'none-such');
    await readListingPage(sparse.reads, scopeOf('S001'), null, 1, 5);
    expect(sparse.counts.buckets).toBe(5);
    const dense = storeOf([...cases, ...cases.map((c) => ({ ...c, _id: `${c._id}b` }))]);
    expect((await readListingPage(dense.reads, scopeOf('S001'), null, 1)).items).toHaveLength(1);
    expect(dense.counts.buckets).toBe(1);
  });

  it('ends with no cursor when the last case fills the page exactly', async () => {
    const { reads } = storeOf(cases.slice(0, 3));
    const page = await readListingPage(reads, scopeOf(undefined), null, 3);
    expect(page.items).toHaveLength(3);
    expect(page.next).toBeNull();
  });

  it('resumes within a bucket after the last case shown, including one at the same instant', async () => {
    const same = new Date('2026-11-05T10:00:00.000Z');
    const twins = ['C1', 'C2', 'C3'].map((_id) => ({
      _id,
      receivedAt: same,
      storeId: 'S001',
      status: 'closed',
      breached: false,
      ...bucketsOf('S001', same),
    }));
    const { reads } = storeOf(twins);
    const first = await readListingPage(reads, scopeOf('S001'), null, 2);
    expect(first.items.map((c) => c._id)).toEqual(['C3', 'C2']);
    const second = await readListingPage(reads, scopeOf('S001'), first.next, 2);
    expect(second.items.map((c) => c._id)).toEqual(['C1']);
    expect(second.next).toBeNull();
  });

  describe('through a keyed tree', () => {
    const filters: [string, string | undefined, ListingFilterKeys][] = [
      ['an open status, one store', 'S001', { status: 'accepted' }],
      ['an open status, the chain', undefined, { status: 'accepted' }],
      ['a missed target, one store', 'S002', { breached: true }],
      ['a missed target, the chain', undefined, { breached: true }],
    ];
    it.each(filters)('lists what the plain tree lists (%s)', async (_, storeId, keys) => {
      const { reads } = storeOf(cases, keys.status, keys.breached);
      const scope = listingScopeOf(storeId, keys);
      expect(scope.field).not.toBe(scopeOf(storeId).field);
      const onlyStore = (c: Case) => !storeId || c.storeId === storeId;
      for (const limit of [1, 3, 20]) {
        const keyed = (await everyPage(reads, storeId, limit, scope)).flat();
        const plain = (await everyPage(reads, storeId, limit)).flat();
        expect(keyed.map((c) => c._id)).toEqual(plain.filter(onlyStore).map((c) => c._id));
        expect(keyed.length).toBeGreaterThan(0);
      }
    });

    it('reads one bucket for a page that the keyed bucket fills', async () => {
      const { reads, counts } = storeOf(cases, 'accepted');
      // S001 has 3 accepted cases in December: a page of 2 needs no other bucket.
      const scope = listingScopeOf('S001', { status: 'accepted' });
      const page = await readListingPage(reads, scope, null, 2);
      expect(page.items.map((c) => c.status)).toEqual(['accepted', 'accepted']);
      expect(counts.buckets).toBe(1);
    });

    it('reads no bucket when no case has the key', async () => {
      const { reads, counts } = storeOf(cases, 'investigating');
      const page = await readListingPage(
        reads,
        listingScopeOf('S001', { status: 'investigating' }),
        null,
        20,
      );
      expect(page).toEqual({ items: [], next: null });
      expect(counts).toEqual({ children: 1, buckets: 0 });
    });
  });
});
