import type { BucketMarker } from './list-buckets';
import type { ListBucketsRepository } from './list-buckets.repository';
import { ListingMarkers } from './listing-markers.cache';

/** The markers' collection in memory, counting what the cache asks of it. */
function storedMarkers() {
  const markers = new Map<string, BucketMarker>();
  let generation: string | null = null;
  let bumps = 0;
  const reads = { generation: 0, children: 0, inserts: 0 };
  const repository = {
    generation: async () => {
      reads.generation++;
      return generation;
    },
    bumpGeneration: async () => {
      generation = `g${++bumps}`;
    },
    children: async (parent: string) => {
      reads.children++;
      return [...markers.values()].filter((m) => m.parent === parent).map((m) => m._id);
    },
    mark: async (list: BucketMarker[]) => {
      reads.inserts++;
      const fresh = list.filter((m) => !markers.has(m._id));
      for (const m of fresh) markers.set(m._id, m);
      return fresh.length > 0;
    },
  };
  return { repository: repository as unknown as ListBucketsRepository, markers, reads };
}

const day = (d: number) => ({ _id: `S001|2026-11-${d}`, parent: 'S001|2026-11' });

describe("the listing's marker cache", () => {
  it('reads each level once per generation, and again after a new marker', async () => {
    const store = storedMarkers();
    const cache = new ListingMarkers(store.repository);
    await cache.mark([day(10)]);
    for (let page = 0; page < 3; page++)
      expect(await (await cache.tree())('S001|2026-11')).toEqual(['S001|2026-11-10']);
    expect(store.reads.children).toBe(1);
    expect(store.reads.generation).toBe(3);

    // Another replica marks a new day: this one's next page sees it.
    await new ListingMarkers(store.repository).mark([day(11)]);
    expect(await (await cache.tree())('S001|2026-11')).toEqual([
      'S001|2026-11-10',
      'S001|2026-11-11',
    ]);
    expect(store.reads.children).toBe(2);
  });

  it('changes the generation only when a marker was new', async () => {
    const store = storedMarkers();
    const other = new ListingMarkers(store.repository);
    await other.mark([day(10)]);
    const cache = new ListingMarkers(store.repository);
    const tree = await cache.tree();
    await tree('S001|2026-11');
    await new ListingMarkers(store.repository).mark([day(10)]);
    await (
      await cache.tree()
    )('S001|2026-11');
    expect(store.reads.children).toBe(1);
  });

  it('keeps a read begun under an older generation out of the newer copy', async () => {
    const store = storedMarkers();
    const cache = new ListingMarkers(store.repository);
    await cache.mark([day(10)]);
    const older = await cache.tree();
    await cache.mark([day(11)]);
    const newer = await cache.tree();
    // The older page reads after the newer page's generation read, but fills its own copy.
    expect(await older('S001|2026-11')).toHaveLength(2);
    store.markers.delete('S001|2026-11-11');
    expect(await newer('S001|2026-11')).toEqual(['S001|2026-11-10']);
  });

  it('skips inserting the markers it has seen stored', async () => {
    const store = storedMarkers();
    const cache = new ListingMarkers(store.repository);
    await cache.ensure([day(10), day(11)]);
    await cache.ensure([day(11), day(10)]);
    expect(store.reads.inserts).toBe(1);
    await cache.ensure([day(11), day(12)]);
    expect(store.reads.inserts).toBe(2);
    expect(store.markers.size).toBe(3);
  });
});
