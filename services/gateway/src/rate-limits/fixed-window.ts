/**
 * Fixed-window counting: one counter per subject per window (`<scope>.<subject>.<window>`),
 * increased by one per request; a request is refused once its window's count passes the
 * limit, until the window ends.
 *
 * Why fixed windows rather than a token bucket or a sliding log: with a shared store every
 * request is one compare-and-set on one key, whichever replica takes it, and the count is
 * exact across replicas (a token bucket needs a read-modify-write of a level and a time,
 * and conflicts on every request under load). The window's end is known without reading
 * the store, so `Retry-After` is exact; a refused request costs no write once the replica
 * has seen the count pass the limit (counts only grow within a window); and old windows
 * vanish by the bucket's age limit, with nothing to clean up. The price: a client may send
 * up to twice the limit across a window boundary, never more than the limit within any one
 * window, so over an hour a phone enumeration still gets at most 60 × the per-minute limit.
 */
export interface Window {
  /** The window's number since the epoch: part of the counter's key. */
  index: number;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
}

export function windowAt(now: number, windowMs: number): Window {
  const index = Math.floor(now / windowMs);
  return { index, endsAt: (index + 1) * windowMs };
}

export interface Limit {
  /** What is limited, e.g. `staff` or `phone-lookup`: part of the key and of the 429's details. */
  scope: string;
  /** Whom: a staff id, a store, a client address (already made key-safe). */
  subject: string;
  /** Requests allowed per window. */
  max: number;
  /**
   * Counted only if the request passes the request's other limits: a limit many people
   * share (a store's) must not be spent by one person's refused requests.
   */
  afterOthers?: boolean;
}

export interface Decision {
  allowed: boolean;
  limit: Limit;
  /** Requests left in this window after this one (0 when refused). */
  remaining: number;
  /** Whole seconds until the window ends (at least 1): `Retry-After` and `RateLimit-Reset`. */
  resetSeconds: number;
}

/** `count` is the window's count including this request. */
export function decide(limit: Limit, count: number, window: Window, now: number): Decision {
  return {
    allowed: count <= limit.max,
    limit,
    remaining: Math.max(0, limit.max - count),
    resetSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
  };
}

/**
 * Of several limits on one request, the one to report: the first refusal (the longest wait
 * of those refused), else the one with the fewest requests left.
 */
export function tightest(decisions: Decision[]): Decision | undefined {
  const refused = decisions.filter((d) => !d.allowed);
  if (refused.length > 0)
    return refused.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a));
  return decisions.reduce<Decision | undefined>(
    (a, b) => (a === undefined || b.remaining < a.remaining ? b : a),
    undefined,
  );
}

/** The counter's key; KV keys allow letters, digits and `-/_=.`. */
export function counterKey(limit: Limit, window: Window): string {
  return `${limit.scope}.${limit.subject}.${window.index}`;
}
