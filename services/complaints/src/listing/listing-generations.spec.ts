import type { ListBucketsRepository } from './list-buckets.repository';
import { ListingGenerations } from './listing-generations';

/** A store whose changes run until told to end, recording each change's stores. */
function heldChanges() {
  const changes: { stores: readonly string[]; end: () => void }[] = [];
  const buckets = {
    bumpListings: (stores: readonly string[]) =>
      new Promise<void>((end) => changes.push({ stores, end: () => end() })),
  } as unknown as ListBucketsRepository;
  return { changes, generations: new ListingGenerations(buckets) };
}

const settled = () => new Promise((r) => setImmediate(r));

describe("the listings' generations", () => {
  it('changes the stores written in one turn, each once, in one change', async () => {
    const { changes, generations } = heldChanges();
    const done = Promise.all(['S001', 'S002', 'S001'].map((s) => generations.changed(s)));
    await settled();
    expect(changes.map((c) => c.stores)).toEqual([['S001', 'S002']]);
    changes[0]!.end();
    await done;
  });

  it('covers a write that landed while a change was written by the next change', async () => {
    const { changes, generations } = heldChanges();
    const first = generations.changed('S001');
    await settled();
    let secondDone = false;
    const second = generations.changed('S002').then(() => (secondDone = true));
    await settled();
    // The change under way started before the second write landed: it does not answer it.
    expect(changes).toHaveLength(1);
    changes[0]!.end();
    await first;
    await settled();
    expect(secondDone).toBe(false);
    expect(changes.map((c) => c.stores)).toEqual([['S001'], ['S002']]);
    changes[1]!.end();
    await second;
  });
});
