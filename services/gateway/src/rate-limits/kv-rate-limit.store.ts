import { jetstream, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BoundedMap } from '@crm/messaging';
import type { RateLimitStore } from './rate-limit.store.port';

/** The two operations counting needs from a KV bucket. */
export interface CounterBucket {
  /** Writes `value` if the key's last revision is `expected` (0: no value yet): the new revision, or `conflict`. */
  write(key: string, value: number, expected: number): Promise<number | 'conflict'>;
  read(key: string): Promise<{ value: number; revision: number } | null>;
}

/** Conflicting writes in a row before a count is given up (and the caller falls back). */
const MAX_ATTEMPTS = 10;

interface Waiter {
  resolve(count: number): void;
  reject(error: unknown): void;
}

/**
 * Counts in a NATS KV bucket shared by every gateway replica. Each count is a
 * compare-and-set: the write names the revision it read, and a write that lost to another
 * replica's reads again and retries, so no count is lost or taken twice.
 *
 * The hot path is one round trip: this replica remembers each counter's last value and
 * revision and writes the new value against it directly (a new window's counter is a write
 * against revision 0, i.e. a create). Only when another replica wrote meanwhile does it
 * take a read and a second write. A replica has at most one write per counter in flight;
 * requests arriving meanwhile are added together in the next write, so a burst costs a
 * few writes, not one conflict per request. A counter seen over its limit answers without
 * a write.
 */
export class KvRateLimitStore implements RateLimitStore {
  private readonly known = new BoundedMap<string, { value: number; revision: number }>(20_000);
  /** Requests waiting for the next write of their counter. */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly writing = new Set<string>();

  constructor(private readonly bucket: () => Promise<CounterBucket>) {}

  hit(key: string, max: number): Promise<number> {
    const known = this.known.get(key);
    if (known && known.value >= max) return Promise.resolve(known.value + 1);
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.waiting.set(key, waiters);
      if (!this.writing.has(key)) void this.writeWaiting(key, max);
    });
  }

  private async writeWaiting(key: string, max: number): Promise<void> {
    this.writing.add(key);
    try {
      for (let waiters = this.take(key); waiters.length > 0; waiters = this.take(key)) {
        try {
          const first = await this.add(key, waiters.length, max);
          waiters.forEach((waiter, i) => waiter.resolve(first + i));
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.writing.delete(key);
    }
  }

  private take(key: string): Waiter[] {
    const waiters = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    return waiters;
  }

  /** Adds `n` to the counter; the count of the first of them. */
  private async add(key: string, n: number, max: number): Promise<number> {
    const bucket = await this.bucket();
    let current = this.known.get(key) ?? { value: 0, revision: 0 };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (current.value >= max) return current.value + 1;
      const value = current.value + n;
      const revision = await bucket.write(key, value, current.revision);
      if (revision !== 'conflict') {
        this.known.set(key, { value, revision });
        return current.value + 1;
      }
      current = (await bucket.read(key)) ?? { value: 0, revision: 0 };
      this.known.set(key, current);
    }
    throw new Error(`rate-limit counter ${key}: ${MAX_ATTEMPTS} conflicting writes in a row`);
  }
}

export interface CounterBucketOptions {
  name: string;
  /** Age after which the server drops a counter (longer than a window). */
  ttlMs: number;
  replicas: number;
  /** How long one KV operation may take before the caller falls back. */
  timeoutMs: number;
}

/**
 * Opens (creating if missing) the counters' bucket: in memory (a lost count after a NATS
 * restart only forgives a window), one value per key, counters dropped by age so old
 * windows vanish, and a size cap so a flood of new addresses cannot exhaust the server
 * (writes then fail and the gateway falls back to counting per replica).
 */
export async function openCounterBucket(
  connection: NatsConnection,
  options: CounterBucketOptions,
): Promise<CounterBucket> {
  const js = jetstream(connection, { timeout: options.timeoutMs });
  const kv = await new Kvm(js).create(options.name, {
    history: 1,
    ttl: options.ttlMs,
    storage: 'memory',
    replicas: options.replicas,
    max_bytes: 64 * 1024 * 1024,
    timeout: options.timeoutMs,
  });
  return counterBucketOf(kv);
}

function counterBucketOf(kv: KV): CounterBucket {
  return {
    async write(key, value, expected) {
      try {
        return await kv.put(key, String(value), { previousSeq: expected });
      } catch (error) {
        if (
          error instanceof JetStreamApiError &&
          (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
            error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
        )
          return 'conflict';
        throw error;
      }
    },
    async read(key) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') return null;
      return { value: Number(entry.string()), revision: entry.revision };
    },
  };
}
