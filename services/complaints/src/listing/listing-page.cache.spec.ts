import type { ListingGenerations } from './listing-generations';
import type { ListedCase, ListingPage } from './listing-page';
import { ListingPageCache } from './listing-page.cache';

/** The listings' generations in memory, as `CasesRepository` changes them after a write. */
function generations() {
  const values = new Map<string, string>();
  let writes = 0;
  const reads: string[] = [];
  const repository = {
    current: async (storeId: string | undefined) => {
      const of = `listing:${storeId ?? '*'}`;
      reads.push(of);
      return values.get(of) ?? null;
    },
  } as unknown as ListingGenerations;
  const written = (storeId: string) => {
    values.set(`listing:${storeId}`, `w${++writes}`);
    values.set('listing:*', `w${writes}`);
  };
  return { repository, reads, written };
}

const page = (id: string): ListingPage<ListedCase> => ({
  items: [{ _id: id, receivedAt: new Date('2026-12-01T10:00:00Z') }],
  next: null,
});

describe('kept first pages of the listings', () => {
  afterEach(() => jest.restoreAllMocks());

  it('walks once while the listing stands, with one generation read a page', async () => {
    const store = generations();
    const cache = new ListingPageCache(store.repository);
    const walk = jest.fn(async () => page('C1'));
    for (let i = 0; i < 3; i++)
      expect(await cache.firstPage('S001', 'k', walk)).toEqual(page('C1'));
    expect(walk).toHaveBeenCalledTimes(1);
    expect(store.reads).toEqual(['listing:S001', 'listing:S001', 'listing:S001']);
  });

  it("walks again after a write to the store's cases, and a chain page after any store's", async () => {
    const store = generations();
    const cache = new ListingPageCache(store.repository);
    const storeWalk = jest.fn(async () => page('C1'));
    const chainWalk = jest.fn(async () => page('C1'));
    const otherStoreWalk = jest.fn(async () => page('C9'));
    await cache.firstPage('S001', 'k', storeWalk);
    await cache.firstPage(undefined, 'k', chainWalk);
    await cache.firstPage('S002', 'k', otherStoreWalk);
    store.written('S001');
    await cache.firstPage('S001', 'k', storeWalk);
    await cache.firstPage(undefined, 'k', chainWalk);
    await cache.firstPage('S002', 'k', otherStoreWalk);
    expect(storeWalk).toHaveBeenCalledTimes(2);
    expect(chainWalk).toHaveBeenCalledTimes(2);
    // Another store's write does not touch S002's listing.
    expect(otherStoreWalk).toHaveBeenCalledTimes(1);
  });

  it('keeps pages of different filters apart', async () => {
    const cache = new ListingPageCache(generations().repository);
    await cache.firstPage('S001', 'status=accepted', async () => page('A'));
    expect(await cache.firstPage('S001', 'status=closed', async () => page('B'))).toEqual(
      page('B'),
    );
    expect(await cache.firstPage('S001', 'status=accepted', async () => page('X'))).toEqual(
      page('A'),
    );
  });

  it('shares one walk among readers of one generation', async () => {
    const cache = new ListingPageCache(generations().repository);
    let finish!: (p: ListingPage<ListedCase>) => void;
    const walk = jest.fn(() => new Promise<ListingPage<ListedCase>>((r) => (finish = r)));
    const readers = [1, 2, 3].map(() => cache.firstPage('S001', 'k', walk));
    await new Promise((r) => setImmediate(r));
    finish(page('C1'));
    expect(await Promise.all(readers)).toEqual([page('C1'), page('C1'), page('C1')]);
    expect(walk).toHaveBeenCalledTimes(1);
  });

  it('keeps no failed walk', async () => {
    const cache = new ListingPageCache(generations().repository);
    await expect(
      cache.firstPage('S001', 'k', async () => {
        throw new Error('store down');
      }),
    ).rejects.toThrow('store down');
    expect(await cache.firstPage('S001', 'k', async () => page('C1'))).toEqual(page('C1'));
  });

  it('walks again after a minute even if the generation stands (a writer died before its change)', async () => {
    const cache = new ListingPageCache(generations().repository);
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const walk = jest.fn(async () => page('C1'));
    await cache.firstPage('S001', 'k', walk);
    now.mockReturnValue(1_000_000 + 60_000);
    await cache.firstPage('S001', 'k', walk);
    expect(walk).toHaveBeenCalledTimes(1);
    now.mockReturnValue(1_000_000 + 60_001);
    await cache.firstPage('S001', 'k', walk);
    expect(walk).toHaveBeenCalledTimes(2);
  });
});
