import { createHmac, timingSafeEqual } from 'node:crypto';

/** CONTRACTS.md §4: how old (or early) a signed webhook may be. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
export const WEBHOOK_SIGNATURE_HEADER = 'x-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-signature-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the provider's secret. */
export function signWebhook(secret: string, timestamp: number | string, rawBody: Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

export type WebhookSignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a provider's signature over the raw bytes received (never a re-serialised body: one
 * changed byte must fail). Compared in constant time; the timestamp must be within the
 * tolerance either way, so a captured request cannot be replayed later.
 */
export function verifyWebhook(
  secret: string,
  timestampHeader: unknown,
  signatureHeader: unknown,
  rawBody: Buffer,
  nowMs = Date.now(),
): WebhookSignatureCheck {
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string')
    return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestampHeader) || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader))
    return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs / 1000 - Number(timestampHeader)) > WEBHOOK_TOLERANCE_SECONDS)
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(secret, timestampHeader, rawBody));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
