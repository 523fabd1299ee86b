import { bucketsOf, markersOf, scopeOf, type BucketField } from './list-buckets';
import {
  type ListingPage,
  type ListingReads,
  type PagePosition,
  readListingPage,
} from './listing-page';

interface Case {
  _id: string;
  receivedAt: Date;
  storeId: string;
  status: string;
  storeBucket: string;
  chainBucket: string;
}

/** An in-memory store counting its reads, as the repositories would answer. */
function storeOf(cases: Case[], status?: string) {
  const markers = new Map(
    cases.flatMap((c) => markersOf(c.storeId, c.receivedAt)).map((m) => [m._id, m]),
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
      return cases.filter((c) => c[field] === bucket && (!status || c.status === status)).reverse();
    },
  };
  return { reads, counts };
}

const HOUR = 3_600_000;
const start = Date.parse('2026-11-01T00:00:00.000Z');
/** 60 cases over 45 days, two stores, a status every third; some at the same instant. */
const cases: Case[] = Array.from({ length: 60 }, (_, i) => {
  const receivedAt = new Date(start + Math.floor(i / 2) * 36 * HOUR);
  const storeId = i % 2 ? 'S002' : 'S001';
  return {
    _id: `C${String(i).padStart(3, '0')}`,
    receivedAt,
    storeId,
    status: i % 3 === 0 ? 'accepted' : 'closed',
    ...bucketsOf(storeId, receivedAt),
  };
});
const newestFirst = (list: Case[]) =>
  [...list].sort(
    (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? 1 : -1),
  );

async function everyPage(reads: ListingReads<Case>, storeId: string | undefined, limit: number) {
  const seen: Case[][] = [];
  let after: PagePosition | null = null;
  for (let guard = 0; guard < 200; guard++) {
    const page: ListingPage<Case> = await readListingPage(reads, scopeOf(storeId), after, limit);
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

  it('reads one bucket when the newest fills the page, then widens its reads', async () => {
    // S001 has a case every third day: a page of 1 needs 2 cases, so 2 buckets (1, then 2 at once).
    const { reads, counts } = storeOf(cases);
    const page = await readListingPage(reads, scopeOf('S001'), null, 1);
    expect(page.items).toHaveLength(1);
    expect(counts.buckets).toBe(3);
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
      ...bucketsOf('S001', same),
    }));
    const { reads } = storeOf(twins);
    const first = await readListingPage(reads, scopeOf('S001'), null, 2);
    expect(first.items.map((c) => c._id)).toEqual(['C3', 'C2']);
    const second = await readListingPage(reads, scopeOf('S001'), first.next, 2);
    expect(second.items.map((c) => c._id)).toEqual(['C1']);
    expect(second.next).toBeNull();
  });
});
