/** What a provider made of one send. */
export type SendOutcome =
  | { kind: 'accepted'; providerMessageId: string }
  /** The provider did not take it (it said so, or could not be reached at all). */
  | { kind: 'refused'; retryable: boolean; reason: string; retryAfterMs?: number }
  /** It may have taken it (a timeout, a dropped connection, a gateway error): only the same provider may be asked again. */
  | { kind: 'unknown'; reason: string };

export interface RetryPolicy {
  maxAttempts: number;
  primaryAttempts: number;
  baseDelayMs: number;
  primary: string;
  secondary: string;
}

/**
 * The provider of attempt `n`: the primary for the first attempts, then the secondary — unless
 * an earlier attempt's outcome is unknown, which pins the message to that provider for good:
 * its idempotency key absorbs a resend, while another provider would deliver a second copy.
 */
export function providerForAttempt(policy: RetryPolicy, n: number, pinned?: string | null): string {
  if (pinned) return pinned;
  return n <= policy.primaryAttempts ? policy.primary : policy.secondary;
}

/** Delay before attempt `n + 1` after attempt `n` failed: doubling, a provider's Retry-After if longer. */
export function retryDelayMs(policy: RetryPolicy, n: number, retryAfterMs = 0): number {
  const backoff = Math.min(policy.baseDelayMs * 2 ** (n - 1), 3_600_000);
  return Math.max(backoff, retryAfterMs);
}

/** HTTP status to outcome, as providers use them. */
export function outcomeOfStatus(
  status: number,
  body: { id?: unknown } | null,
  retryAfter: string | null,
): SendOutcome {
  if (status >= 200 && status < 300) {
    const id = typeof body?.id === 'string' ? body.id : null;
    return id
      ? { kind: 'accepted', providerMessageId: id }
      : { kind: 'unknown', reason: `provider answered ${status} without a message id` };
  }
  if (status === 429)
    return {
      kind: 'refused',
      retryable: true,
      reason: 'provider rate-limited (429)',
      retryAfterMs: retryAfterMs(retryAfter),
    };
  // A gateway in front of the provider (502/504) may have passed the send on before failing.
  if (status === 502 || status === 504)
    return { kind: 'unknown', reason: `provider gateway error (${status})` };
  if (status >= 500)
    return { kind: 'refused', retryable: true, reason: `provider error (${status})` };
  return { kind: 'refused', retryable: false, reason: `provider refused the message (${status})` };
}

function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}
