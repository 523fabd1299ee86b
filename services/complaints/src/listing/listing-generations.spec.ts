import type { ListBucketsRepository } from './list-buckets.repository';
import { GroupCommit, ListingGenerations } from './listing-generations';

/** A write that runs until told to end, recording when each run started. */
function heldWrites() {
  const runs: { startedAt: number; end: () => void; fail: (e: Error) => void }[] = [];
  let clock = 0;
  const write = () =>
    new Promise<void>((end, fail) => runs.push({ startedAt: clock, end: () => end(), fail }));
  return { runs, write, tick: () => ++clock };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('group commit of a generation change', () => {
  it('runs at once when idle', async () => {
    const held = heldWrites();
    const commit = new GroupCommit(held.write);
    const done = commit.request();
    expect(held.runs).toHaveLength(1);
    held.runs[0]!.end();
    await done;
  });

  it('gives the requests made during a run one next run, started after that run', async () => {
    const held = heldWrites();
    const commit = new GroupCommit(held.write);
    const first = commit.request();
    held.tick(); // writes landed after the first run started
    const during = [commit.request(), commit.request(), commit.request()];
    let settledDuring = false;
    void Promise.all(during).then(() => (settledDuring = true));
    expect(held.runs).toHaveLength(1);
    held.tick();
    held.runs[0]!.end();
    await first;
    await settled();
    // Not settled by the run that was under way when they asked.
    expect(settledDuring).toBe(false);
    expect(held.runs).toHaveLength(2);
    expect(held.runs[1]!.startedAt).toBe(2);
    held.runs[1]!.end();
    await Promise.all(during);
    // Idle again: the next request runs at once.
    void commit.request();
    expect(held.runs).toHaveLength(3);
  });

  it('runs the next after a failed run, and fails only the requests of that run', async () => {
    const held = heldWrites();
    const commit = new GroupCommit(held.write);
    const first = commit.request();
    const second = commit.request();
    held.runs[0]!.fail(new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    await settled();
    held.runs[1]!.end();
    await expect(second).resolves.toBeUndefined();
  });
});

describe("the listings' generations", () => {
  it("changes the store's and the chain's after a write, and each store's apart", async () => {
    const bumped: string[] = [];
    const generations = new ListingGenerations({
      bumpGeneration: async (of: string) => {
        bumped.push(of);
      },
    } as unknown as ListBucketsRepository);
    await generations.changed('S001');
    await generations.changed('S002');
    expect(bumped).toEqual(['listing:S001', 'listing:*', 'listing:S002', 'listing:*']);
  });
});
