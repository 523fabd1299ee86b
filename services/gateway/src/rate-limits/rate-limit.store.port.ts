/**
 * Where request counts live. The counts must be shared by every gateway replica (a limit
 * per replica would multiply with the replicas), so the adapter used in service is NATS KV
 * (kv-rate-limit.store.ts); a per-process store stands in when it fails.
 */
export interface RateLimitStore {
  /**
   * Adds one to the counter `key` and returns its count including this request. A count
   * already known to be over `max` may be returned without a write: within a window counts
   * only grow, so the request is refused either way.
   */
  hit(key: string, max: number): Promise<number>;
}

export const RATE_LIMIT_STORE = Symbol('RateLimitStore');
