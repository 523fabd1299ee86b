import { setImmediate as tick } from 'node:timers/promises';
import { KvRateLimitStore, type CounterBucket } from './kv-rate-limit.store';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimiter } from './rate-limiter';

/** A KV bucket as the server keeps it: one value and revision per key, writes compared on revision. */
class FakeBucket implements CounterBucket {
  private sequence = 0;
  readonly values = new Map<string, { value: number; revision: number }>();
  writes = 0;
  reads = 0;
  failing = false;

  async write(key: string, value: number, expected: number): Promise<number | 'conflict'> {
    await tick(); // another replica's request may land in between, as over the network
    if (this.failing) throw new Error('no responders');
    this.writes++;
    if ((this.values.get(key)?.revision ?? 0) !== expected) return 'conflict';
    this.values.set(key, { value, revision: ++this.sequence });
    return this.sequence;
  }

  async read(key: string) {
    await tick();
    this.reads++;
    return this.values.get(key) ?? null;
  }
}

describe('counting in a shared KV bucket', () => {
  it('two replicas hitting one counter at once lose no count and give none twice', async () => {
    const bucket = new FakeBucket();
    const replicas = [
      new KvRateLimitStore(async () => bucket),
      new KvRateLimitStore(async () => bucket),
    ];
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.hit('staff.a.1', 1000)),
    );
    expect(bucket.values.get('staff.a.1')?.value).toBe(40);
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('one replica alone writes once per request, with no read', async () => {
    const bucket = new FakeBucket();
    const store = new KvRateLimitStore(async () => bucket);
    for (let i = 1; i <= 5; i++) expect(await store.hit('k.1', 100)).toBe(i);
    expect(bucket).toMatchObject({ writes: 5, reads: 0 });
  });

  it('refuses without a write once it has seen the counter over its limit', async () => {
    const bucket = new FakeBucket();
    const store = new KvRateLimitStore(async () => bucket);
    for (let i = 0; i < 3; i++) await store.hit('k.1', 3);
    const writes = bucket.writes;
    expect(await store.hit('k.1', 3)).toBe(4);
    expect(await store.hit('k.1', 3)).toBe(4);
    expect(bucket.writes).toBe(writes);
  });

  it('a replica behind the others catches up with one read and counts on top', async () => {
    const bucket = new FakeBucket();
    const [a, b] = [
      new KvRateLimitStore(async () => bucket),
      new KvRateLimitStore(async () => bucket),
    ];
    await a.hit('k.1', 10);
    await a.hit('k.1', 10);
    expect(await b.hit('k.1', 10)).toBe(3);
    expect(await a.hit('k.1', 10)).toBe(4);
  });
});

describe('the rate limiter', () => {
  const settings = {
    windowMs: 60_000,
    staff: 2,
    unauthenticated: 1,
    publicRoutes: 5,
    phoneLookups: 1,
    storePhoneLookups: 5,
  };
  const lookup = {
    method: 'GET',
    route: '/api/v1/members',
    publicRoute: false,
    staff: { sub: 'E1', storeId: 'S001' },
    address: '127.0.0.1',
  };

  it('refuses the first request over the tightest limit, and lets requests pass in the next window', async () => {
    let now = 60_000 * 100 + 15_000;
    const bucket = new FakeBucket();
    const limiter = new RateLimiter(
      settings,
      new KvRateLimitStore(async () => bucket),
      new MemoryRateLimitStore(120_000),
      () => now,
    );
    expect(await limiter.check(lookup)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.check(lookup)).toMatchObject({
      allowed: false,
      resetSeconds: 45,
      limit: { scope: 'phone-lookup', max: 1 },
    });
    now += 45_000;
    expect(await limiter.check(lookup)).toMatchObject({ allowed: true });
  });

  it("a staff member's refused lookups do not spend their store's lookups", async () => {
    const bucket = new FakeBucket();
    const limiter = new RateLimiter(
      { ...settings, phoneLookups: 1, storePhoneLookups: 2 },
      new KvRateLimitStore(async () => bucket),
      new MemoryRateLimitStore(120_000),
      () => 1000,
    );
    await limiter.check(lookup);
    for (let i = 0; i < 5; i++) await limiter.check(lookup);
    const colleague = { ...lookup, staff: { sub: 'E2', storeId: 'S001' } };
    expect(await limiter.check(colleague)).toMatchObject({ allowed: true });
    expect(await limiter.check(colleague)).toMatchObject({
      allowed: false,
      limit: { scope: 'phone-lookup' },
    });
  });

  it('fails open to counting per replica while the shared store fails, and tries it again later', async () => {
    let now = 0;
    const bucket = new FakeBucket();
    bucket.failing = true;
    const limiter = new RateLimiter(
      settings,
      new KvRateLimitStore(async () => bucket),
      new MemoryRateLimitStore(120_000),
      () => now,
    );
    const staffOnly = { ...lookup, route: '/api/v1/members/:id' };
    expect(await limiter.check(staffOnly)).toMatchObject({ allowed: true });
    expect(await limiter.check(staffOnly)).toMatchObject({ allowed: true });
    // Still limited, by this replica's own count.
    expect(await limiter.check(staffOnly)).toMatchObject({ allowed: false });
    bucket.failing = false;
    now = 6000; // past the pause: the shared store counts again
    await limiter.check(staffOnly);
    expect(bucket.values.size).toBe(1);
  });
});
