import { setTimeout as sleep } from 'node:timers/promises';
import { BoundedMap } from './bounded-map';
import { KeyedLock } from './keyed-lock';
import { forEachConcurrently } from './concurrency';

describe('forEachConcurrently', () => {
  it('visits every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrently([...Array(20).keys()], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(2);
      seen.push(n);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('starts nothing after a failure and rejects with it', async () => {
    const started: number[] = [];
    const run = forEachConcurrently([...Array(20).keys()], 2, async (n) => {
      started.push(n);
      await sleep(2);
      if (n === 3) throw new Error('boom at 3');
    });
    await expect(run).rejects.toThrow('boom at 3');
    expect(started.length).toBeLessThanOrEqual(5);
  });
});

describe('BoundedMap', () => {
  it('forgets the least recently set entries beyond its capacity', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});

describe('KeyedLock', () => {
  it('runs work for one key one at a time, in call order, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (key: string, n: number, ms: number) =>
      lock.run(key, async () => {
        log.push(`${key}${n}+`);
        await sleep(ms);
        log.push(`${key}${n}-`);
      });
    await Promise.all([step('a', 1, 10), step('a', 2, 1), step('b', 1, 1)]);
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
  });

  it('keeps going after a failure, which only its caller sees', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(lock.run('k', async () => 42)).resolves.toBe(42);
  });

  it('holds many keys at once: no other work on its keys inside it, crossing runs never deadlock', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const all = lock.runAll(['b', 'a', 'a'], async () => {
      log.push('all+');
      await sleep(10);
      log.push('all-');
    });
    const single = lock.run('b', async () => void log.push('b'));
    const crossing = lock.runAll(['b', 'c'], async () => void log.push('bc'));
    const reversed = lock.runAll(['c', 'a'], async () => void log.push('ca'));
    await Promise.all([all, single, crossing, reversed]);
    // Nothing else on its keys runs inside the run.
    expect(log.indexOf('all-') - log.indexOf('all+')).toBe(1);
    expect(log).toHaveLength(5);
  });
});
