import type { RateLimitStore } from './rate-limit.store.port';

/**
 * Counts in this process only: the stand-in while the shared store fails (each replica then
 * enforces the limits alone, so all of them together allow up to replicas × the limit), and
 * the store of the unit tests. Keys carry their window, so a key unseen for `forgetAfterMs`
 * belongs to a window long gone and is dropped.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counts = new Map<string, { count: number; seenAt: number }>();
  private sweptAt = 0;

  constructor(
    private readonly forgetAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): Promise<number> {
    const now = this.now();
    this.sweep(now);
    const entry = this.counts.get(key) ?? { count: 0, seenAt: now };
    entry.count += 1;
    entry.seenAt = now;
    this.counts.set(key, entry);
    return Promise.resolve(entry.count);
  }

  get size(): number {
    return this.counts.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < this.forgetAfterMs) return;
    this.sweptAt = now;
    for (const [key, entry] of this.counts)
      if (now - entry.seenAt >= this.forgetAfterMs) this.counts.delete(key);
  }
}
