/**
 * Runs work for the same key one at a time, in call order (work for other keys runs freely).
 *
 * Why: FerretDB 1.24 reads a document and writes the updated copy in separate steps, so two
 * updates of one document at the same moment can lose one (measured: concurrent `$inc`s lose
 * increments, two conditional updates both "win"). MongoDB applies each update atomically;
 * on the local stand-in a process at least never races itself on one document.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /**
   * Runs `work` holding every key's turn at once (a run of writes over many documents). Keys
   * are taken in sorted order, so two such calls never wait on each other in a cycle.
   */
  runAll<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const take = (i: number): Promise<T> =>
      i === sorted.length ? work() : this.run(sorted[i]!, () => take(i + 1));
    return take(0);
  }
}
