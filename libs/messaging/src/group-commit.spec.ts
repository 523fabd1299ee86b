import { setTimeout as sleep } from 'node:timers/promises';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes what was added during a write together in the next one', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number>(async (items) => {
      writes.push(items);
      await sleep(20);
    });
    const first = commit.add(1);
    await sleep(5); // the first write is in progress
    const rest = [2, 3, 4].map((n) => commit.add(n));
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('joins items added in the same turn into one write, at most maxBatch each', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number>(async (items) => void writes.push(items), 2);
    await Promise.all([1, 2, 3].map((n) => commit.add(n)));
    expect(writes).toEqual([[1, 2], [3]]);
  });

  it('rejects the items of a failed write only, and keeps writing', async () => {
    let fail = true;
    const commit = new GroupCommit<string>(async () => {
      await sleep(10);
      if (fail) {
        fail = false;
        throw new Error('store down');
      }
    });
    const first = commit.add('a');
    await sleep(2);
    const second = commit.add('b');
    await expect(first).rejects.toThrow('store down');
    await expect(second).resolves.toBeUndefined();
  });
});
